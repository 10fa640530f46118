// GGUF constants shared by the writer (test fixtures, CLI) and the bounded pre-check.
// Values follow ggml.h / gguf.h of the llama.cpp bundled with node-llama-cpp 3.21.1.

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Metadata value types, by their on-disk code. */
export const GgufValueType = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;
export type GgufValueTypeName = keyof typeof GgufValueType;
export type GgufScalarTypeName = Exclude<GgufValueTypeName, "array">;

/** Byte size of a fixed-size scalar value type (strings and arrays are variable). */
export const GGUF_SCALAR_SIZE: Record<Exclude<GgufScalarTypeName, "string">, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  u64: 8,
  i64: 8,
  f64: 8,
};

export function valueTypeName(code: number): GgufValueTypeName | undefined {
  for (const [name, c] of Object.entries(GgufValueType)) if (c === code) return name as GgufValueTypeName;
  return undefined;
}

/** ggml tensor types: code, elements per block, bytes per block. */
export interface GgmlTypeInfo {
  readonly code: number;
  readonly blockSize: number;
  readonly typeSize: number;
}

export const GGML_TYPES = {
  F32: { code: 0, blockSize: 1, typeSize: 4 },
  F16: { code: 1, blockSize: 1, typeSize: 2 },
  Q4_0: { code: 2, blockSize: 32, typeSize: 18 },
  Q4_1: { code: 3, blockSize: 32, typeSize: 20 },
  Q5_0: { code: 6, blockSize: 32, typeSize: 22 },
  Q5_1: { code: 7, blockSize: 32, typeSize: 24 },
  Q8_0: { code: 8, blockSize: 32, typeSize: 34 },
  Q8_1: { code: 9, blockSize: 32, typeSize: 36 },
  Q2_K: { code: 10, blockSize: 256, typeSize: 84 },
  Q3_K: { code: 11, blockSize: 256, typeSize: 110 },
  Q4_K: { code: 12, blockSize: 256, typeSize: 144 },
  Q5_K: { code: 13, blockSize: 256, typeSize: 176 },
  Q6_K: { code: 14, blockSize: 256, typeSize: 210 },
  Q8_K: { code: 15, blockSize: 256, typeSize: 292 },
  IQ2_XXS: { code: 16, blockSize: 256, typeSize: 66 },
  IQ2_XS: { code: 17, blockSize: 256, typeSize: 74 },
  IQ3_XXS: { code: 18, blockSize: 256, typeSize: 98 },
  IQ1_S: { code: 19, blockSize: 256, typeSize: 50 },
  IQ4_NL: { code: 20, blockSize: 32, typeSize: 18 },
  IQ3_S: { code: 21, blockSize: 256, typeSize: 110 },
  IQ2_S: { code: 22, blockSize: 256, typeSize: 82 },
  IQ4_XS: { code: 23, blockSize: 256, typeSize: 136 },
  I8: { code: 24, blockSize: 1, typeSize: 1 },
  I16: { code: 25, blockSize: 1, typeSize: 2 },
  I32: { code: 26, blockSize: 1, typeSize: 4 },
  I64: { code: 27, blockSize: 1, typeSize: 8 },
  F64: { code: 28, blockSize: 1, typeSize: 8 },
  IQ1_M: { code: 29, blockSize: 256, typeSize: 56 },
  BF16: { code: 30, blockSize: 1, typeSize: 2 },
  TQ1_0: { code: 34, blockSize: 256, typeSize: 54 },
  TQ2_0: { code: 35, blockSize: 256, typeSize: 66 },
  MXFP4: { code: 39, blockSize: 32, typeSize: 17 },
} as const satisfies Record<string, GgmlTypeInfo>;
export type GgmlTypeName = keyof typeof GGML_TYPES;

export function ggmlTypeByCode(code: number): { name: GgmlTypeName; info: GgmlTypeInfo } | undefined {
  for (const [name, info] of Object.entries(GGML_TYPES)) if (info.code === code) return { name: name as GgmlTypeName, info };
  return undefined;
}

/** Bytes a tensor of `elements` takes in `type`; the row length must be a multiple of the block. */
export function ggmlTensorBytes(type: GgmlTypeName, elements: number): number {
  const t = GGML_TYPES[type];
  return (elements / t.blockSize) * t.typeSize;
}

/** `general.file_type` (llama_ftype) to the name users know, e.g. 15 → "Q4_K_M". */
export const LLAMA_FILE_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: "F32",
  1: "F16",
  2: "Q4_0",
  3: "Q4_1",
  7: "Q8_0",
  8: "Q5_0",
  9: "Q5_1",
  10: "Q2_K",
  11: "Q3_K_S",
  12: "Q3_K_M",
  13: "Q3_K_L",
  14: "Q4_K_S",
  15: "Q4_K_M",
  16: "Q5_K_S",
  17: "Q5_K_M",
  18: "Q6_K",
  19: "IQ2_XXS",
  20: "IQ2_XS",
  21: "Q2_K_S",
  22: "IQ3_XS",
  23: "IQ3_XXS",
  24: "IQ1_S",
  25: "IQ4_NL",
  26: "IQ3_S",
  27: "IQ3_M",
  28: "IQ2_S",
  29: "IQ2_M",
  30: "IQ4_XS",
  31: "IQ1_M",
  32: "BF16",
  36: "TQ1_0",
  37: "TQ2_0",
  38: "MXFP4_MOE",
};
