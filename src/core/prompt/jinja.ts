// @huggingface/jinja ships CommonJS (`require` → dist/index.cjs) but its types are declared as ESM,
// which TypeScript refuses to `import` from our CommonJS output; load the CJS build, typed as ESM.
import type * as Jinja from "@huggingface/jinja" with { "resolution-mode": "import" };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jinja = require("@huggingface/jinja") as typeof Jinja;

export const Template = jinja.Template;
export type Template = Jinja.Template;
