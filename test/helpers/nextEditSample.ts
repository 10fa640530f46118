// The file the next-edit tests (exthost and browser) rename a parameter in: `count` in the
// signature, and its use further down that the suggestion should rename too.
export const NEXT_EDIT_BEFORE = [
  "export function lineTotal(price: number, count: number): number {",
  "  const base = price;",
  "  const discount = base > 100 ? base * 0.1 : 0;",
  "  const shipping = base > 50 ? 0 : 4.99;",
  "  const subtotal = base - discount;",
  "  const taxed = subtotal * 1.2;",
  "  log(`items: ${count}`);",
  "  return Math.round((taxed + shipping) * 100) / 100;",
  "}",
  "",
  "function log(message: string): void {",
  "  console.log(message);",
  "}",
]
  .map((l) => `${l}\n`)
  .join("");
