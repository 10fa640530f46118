import * as assert from "node:assert/strict";
import { postProcess } from "../../../src/core/completion/postprocess";
import { isProse } from "../../../src/core/completion/prose";
import { contextAt } from "./cursor";

const single = { multiline: false };
const multi = { multiline: true };

function ok(result: ReturnType<typeof postProcess>): string {
  assert.equal(result.ok, true, `expected a suggestion, got ${JSON.stringify(result)}`);
  return (result as { text: string }).text;
}

describe("completion post-processing", () => {
  describe("end of line and block", () => {
    it("keeps only the first line in single-line mode", () => {
      const ctx = contextAt("const total = items.█\n");
      assert.equal(ok(postProcess("reduce((a, b) => a + b, 0);\nconsole.log(total);", ctx, single)), "reduce((a, b) => a + b, 0);");
    });

    it("cuts at a closing code fence and at chat markers", () => {
      const ctx = contextAt("x = █\n", "python");
      assert.equal(ok(postProcess("compute(1)```\nSome words", ctx, single)), "compute(1)");
      assert.equal(ok(postProcess("compute(2)[INST] more", ctx, single)), "compute(2)");
    });

    it("stops a Python body at the first dedented line", () => {
      const ctx = contextAt("def area(r):\n    █\n", "python");
      const raw = "pi = 3.14159\n    return pi * r * r\n\ndef perimeter(r):\n    return 2 * pi * r";
      assert.equal(ok(postProcess(raw, ctx, multi)), "pi = 3.14159\n    return pi * r * r");
    });

    it("keeps the closing brace of a block opened at the end of a signature, once", () => {
      const ctx = contextAt("function square(n: number): number {█\n\nexport const x = 1;\n");
      assert.equal(
        ok(postProcess("\n  return n * n;\n}\n\nfunction cube(n) {\n  return n * n * n;\n}", ctx, multi)),
        "\n  return n * n;\n}",
      );
    });

    it("does not repeat a closing brace that is already after the cursor", () => {
      const ctx = contextAt("function square(n: number): number {█\n}\n");
      assert.equal(ok(postProcess("\n  return n * n;\n}", ctx, multi)), "\n  return n * n;");
    });

    it("stops a Go block body before the closing brace on an empty line", () => {
      const ctx = contextAt("func main() {\n\t█\n}\n", "go");
      assert.equal(ok(postProcess('fmt.Println("hi")\n}\n\nfunc other() {', ctx, multi)), 'fmt.Println("hi")');
    });

    it("cuts a degenerate loop of the same line", () => {
      const ctx = contextAt("fn main() {\n    █\n}\n", "rust");
      assert.equal(ok(postProcess('println!("a");\n    println!("a");\n    println!("a");', ctx, multi)), 'println!("a");');
    });
  });

  describe("duplicates of the code after the cursor", () => {
    it("removes the auto-closed bracket the model wrote again", () => {
      const ctx = contextAt("console.log(█);\n");
      assert.equal(ok(postProcess('"done");', ctx, single)), '"done"');
    });

    it("removes the rest of the line when the model rewrote it and went on", () => {
      const ctx = contextAt("if (a && █) {\n");
      assert.equal(ok(postProcess("b) {", ctx, single)), "b");
    });

    it("drops trailing lines equal to the lines below the cursor", () => {
      const ctx = contextAt("class A {\n  run() {█\n  }\n}\n");
      assert.equal(ok(postProcess("\n    this.go();\n  }\n}", ctx, multi)), "\n    this.go();");
    });
  });

  describe("balance", () => {
    it("truncates at a closer that matches nothing", () => {
      const ctx = contextAt("let v = █\n");
      assert.equal(ok(postProcess("compute(a)) + 1;", ctx, single)), "compute(a)");
    });

    it("closes a string the suggestion opened, not brackets opened before the cursor", () => {
      const ctx = contextAt("print(█\n", "python");
      assert.equal(ok(postProcess('"hello world', ctx, single)), '"hello world"');
      assert.equal(ok(postProcess("world", contextAt('print("hello █")\n', "python"), single)), "world");
    });

    it("closes round brackets of a finished-looking line but not a block opener", () => {
      assert.equal(ok(postProcess("Math.max(a, b", contextAt("const m = █\n"), single)), "Math.max(a, b)");
      assert.equal(ok(postProcess("(x > 0) {", contextAt("if █\n"), single)), "(x > 0) {");
    });

    it("closes the suggestion's own brackets even when the line suffix has closers", () => {
      const ctx = contextAt("foo(█)\n");
      assert.equal(ok(postProcess("bar(1", ctx, single)), "bar(1)");
      const ctx2 = contextAt("call(a, █)\n");
      assert.equal(ok(postProcess("b", ctx2, single)), "b");
    });

    it("lets a suggestion close a bracket opened on an earlier line", () => {
      const ctx = contextAt("const xs = [\n  1,\n  2,\n█\n");
      assert.equal(ok(postProcess("];", ctx, single)), "];");
    });

    it("ignores brackets inside strings and comments", () => {
      const ctx = contextAt("const s = █\n");
      assert.equal(ok(postProcess('")" + x; // )', ctx, single)), '")" + x; // )');
    });
  });

  describe("dropped suggestions", () => {
    it("drops empty and whitespace-only suggestions", () => {
      const ctx = contextAt("let a = 1;█\n");
      assert.deepEqual(postProcess("", ctx, single), { ok: false, reason: "empty" });
      assert.deepEqual(postProcess("   \t", ctx, single), { ok: false, reason: "empty" });
      assert.deepEqual(postProcess("\nlet b = 2;", ctx, single), { ok: false, reason: "empty" });
    });

    it("drops a suggestion that repeats the line above", () => {
      const ctx = contextAt("total += price * qty;\n█\n");
      assert.deepEqual(postProcess("total += price * qty;", ctx, single), { ok: false, reason: "repeated" });
    });

    it("drops a suggestion that repeats the line below", () => {
      const ctx = contextAt("    █\n    return result\n", "python");
      assert.deepEqual(postProcess("return result", ctx, single), { ok: false, reason: "repeated" });
    });

    it("discards chat prose", () => {
      const ctx = contextAt("function f() {\n  █\n}\n");
      assert.deepEqual(postProcess("Sure, here is the completed function:", ctx, multi), { ok: false, reason: "prose" });
      assert.deepEqual(postProcess("Here's how you can do it.", ctx, single), { ok: false, reason: "prose" });
      assert.deepEqual(postProcess("This function returns the sum of the two numbers given.", ctx, single), { ok: false, reason: "prose" });
    });

    it("keeps prose in comments, strings and prose languages", () => {
      assert.equal(
        ok(postProcess("Sure, here is the fix for the parser.", contextAt("// █\n"), single)),
        "Sure, here is the fix for the parser.",
      );
      assert.equal(
        ok(postProcess('This is a sentence about things."', contextAt('const s = "█\n'), single)),
        'This is a sentence about things."',
      );
      assert.equal(isProse("Here is the plan for the week.", "markdown", false), false);
      assert.equal(isProse("# Sure, here is a comment", "python", false), false);
    });

    it("keeps ordinary code that contains English words", () => {
      const ctx = contextAt("    █\n", "python");
      assert.equal(ok(postProcess("return value if value else default", ctx, single)), "return value if value else default");
      assert.equal(isProse("if (this.isReady) return the.value;", "typescript", false), false);
    });
  });
});
