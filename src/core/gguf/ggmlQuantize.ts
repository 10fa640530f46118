// Reference encoders for the few ggml tensor formats our generated GGUFs use (F32, F16, Q8_0,
// Q4_K). Bit layouts follow ggml-quants.c; they only need to be valid, not optimal.
import { GGML_TYPES, type GgmlTypeName } from "./ggufTypes";

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half (as u16 bits) nearest to `value`, round-to-nearest-even like ggml's FP32_TO_FP16. */
export function f32ToF16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

function encodeF16(values: Float32Array): Uint8Array {
  const out = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) out.writeUInt16LE(f32ToF16Bits(values[i]), i * 2);
  return out;
}

function encodeQ8_0(values: Float32Array): Uint8Array {
  const blocks = values.length / 32;
  const out = Buffer.alloc(blocks * 34);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(values[b * 32 + j]));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    out.writeUInt16LE(f32ToF16Bits(d), b * 34);
    for (let j = 0; j < 32; j++) out.writeInt8(Math.round(values[b * 32 + j] * id), b * 34 + 2 + j);
  }
  return out;
}

// Q4_K super-block of 256: f16 d, f16 dmin, 12 bytes of 6-bit (scale, min) pairs for eight
// 32-value sub-blocks, 128 bytes of nibbles. x ≈ d·sc·q − dmin·m with q in 0..15.
function encodeQ4_K(values: Float32Array): Uint8Array {
  const blocks = values.length / 256;
  const out = Buffer.alloc(blocks * 144);
  const scales = new Float32Array(8);
  const mins = new Float32Array(8);
  const L = new Uint8Array(256);
  for (let b = 0; b < blocks; b++) {
    const x = values.subarray(b * 256, b * 256 + 256);
    for (let j = 0; j < 8; j++) {
      let lo = 0,
        hi = 0;
      for (let l = 0; l < 32; l++) {
        lo = Math.min(lo, x[j * 32 + l]);
        hi = Math.max(hi, x[j * 32 + l]);
      }
      scales[j] = (hi - lo) / 15;
      mins[j] = -lo;
    }
    const maxScale = Math.max(...scales),
      maxMin = Math.max(...mins);
    const d = maxScale / 63,
      dmin = maxMin / 63;
    const dq = f16BitsToF32(f32ToF16Bits(d)),
      dminq = f16BitsToF32(f32ToF16Bits(dmin));
    const ls = new Uint8Array(8),
      lm = new Uint8Array(8);
    for (let j = 0; j < 8; j++) {
      ls[j] = d ? Math.min(63, Math.round(scales[j] / d)) : 0;
      lm[j] = dmin ? Math.min(63, Math.round(mins[j] / dmin)) : 0;
      const sc = dq * ls[j],
        m = dminq * lm[j];
      for (let l = 0; l < 32; l++) {
        L[j * 32 + l] = sc ? Math.max(0, Math.min(15, Math.round((x[j * 32 + l] + m) / sc))) : 0;
      }
    }
    const o = b * 144;
    out.writeUInt16LE(f32ToF16Bits(d), o);
    out.writeUInt16LE(f32ToF16Bits(dmin), o + 2);
    const s = out.subarray(o + 4, o + 16);
    for (let j = 0; j < 8; j++) {
      if (j < 4) {
        s[j] = ls[j];
        s[j + 4] = lm[j];
      } else {
        s[j + 4] = (ls[j] & 0xf) | ((lm[j] & 0xf) << 4);
        s[j - 4] |= (ls[j] >> 4) << 6;
        s[j] |= (lm[j] >> 4) << 6;
      }
    }
    const q = out.subarray(o + 16, o + 144);
    for (let j = 0, qi = 0; j < 256; j += 64) {
      for (let l = 0; l < 32; l++) q[qi + l] = L[j + l] | (L[j + l + 32] << 4);
      qi += 32;
    }
  }
  return out;
}

/** Encode row-major float values as a ggml tensor of `type` (F32, F16, Q8_0 or Q4_K). */
export function encodeTensor(type: GgmlTypeName, values: Float32Array, rowLength: number): Uint8Array {
  const block = GGML_TYPES[type].blockSize;
  if (rowLength % block !== 0) {
    throw new RangeError(`${type} needs rows that are a multiple of ${block} values; got ${rowLength}`);
  }
  switch (type) {
    case "F32":
      return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    case "F16":
      return encodeF16(values);
    case "Q8_0":
      return encodeQ8_0(values);
    case "Q4_K":
      return encodeQ4_K(values);
    default:
      throw new RangeError(`no encoder for ${type}: pass encoded bytes instead`);
  }
}
