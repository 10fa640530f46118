"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/@huggingface/jinja/dist/index.cjs
var require_dist = __commonJS({
  "node_modules/@huggingface/jinja/dist/index.cjs"(exports2, module2) {
    "use strict";
    var __defProp2 = Object.defineProperty;
    var __getOwnPropDesc2 = Object.getOwnPropertyDescriptor;
    var __getOwnPropNames2 = Object.getOwnPropertyNames;
    var __hasOwnProp2 = Object.prototype.hasOwnProperty;
    var __defNormalProp = (obj, key, value) => key in obj ? __defProp2(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
    var __export2 = (target, all) => {
      for (var name in all)
        __defProp2(target, name, { get: all[name], enumerable: true });
    };
    var __copyProps2 = (to, from, except, desc) => {
      if (from && typeof from === "object" || typeof from === "function") {
        for (let key of __getOwnPropNames2(from))
          if (!__hasOwnProp2.call(to, key) && key !== except)
            __defProp2(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc2(from, key)) || desc.enumerable });
      }
      return to;
    };
    var __toCommonJS = (mod) => __copyProps2(__defProp2({}, "__esModule", { value: true }), mod);
    var __publicField = (obj, key, value) => {
      __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);
      return value;
    };
    var src_exports = {};
    __export2(src_exports, {
      Environment: () => Environment,
      Interpreter: () => Interpreter,
      Template: () => Template2,
      parse: () => parse2,
      tokenize: () => tokenize
    });
    module2.exports = __toCommonJS(src_exports);
    var TOKEN_TYPES = Object.freeze({
      Text: "Text",
      // The text between Jinja statements or expressions
      NumericLiteral: "NumericLiteral",
      // e.g., 123, 1.0
      StringLiteral: "StringLiteral",
      // 'string'
      Identifier: "Identifier",
      // Variables, functions, statements, booleans, etc.
      Equals: "Equals",
      // =
      OpenParen: "OpenParen",
      // (
      CloseParen: "CloseParen",
      // )
      OpenStatement: "OpenStatement",
      // {%
      CloseStatement: "CloseStatement",
      // %}
      OpenExpression: "OpenExpression",
      // {{
      CloseExpression: "CloseExpression",
      // }}
      OpenSquareBracket: "OpenSquareBracket",
      // [
      CloseSquareBracket: "CloseSquareBracket",
      // ]
      OpenCurlyBracket: "OpenCurlyBracket",
      // {
      CloseCurlyBracket: "CloseCurlyBracket",
      // }
      Comma: "Comma",
      // ,
      Dot: "Dot",
      // .
      Colon: "Colon",
      // :
      Pipe: "Pipe",
      // |
      CallOperator: "CallOperator",
      // ()
      AdditiveBinaryOperator: "AdditiveBinaryOperator",
      // + - ~
      MultiplicativeBinaryOperator: "MultiplicativeBinaryOperator",
      // * / // %
      ExponentiationBinaryOperator: "ExponentiationBinaryOperator",
      // **
      ComparisonBinaryOperator: "ComparisonBinaryOperator",
      // < > <= >= == !=
      UnaryOperator: "UnaryOperator",
      // ! - +
      Comment: "Comment"
      // {# ... #}
    });
    var Token = class {
      /**
       * Constructs a new Token.
       * @param {string} value The raw value as seen inside the source code.
       * @param {TokenType} type The type of token.
       */
      constructor(value, type) {
        this.value = value;
        this.type = type;
      }
    };
    function isWord(char) {
      return /\w/.test(char);
    }
    function isInteger(char) {
      return /[0-9]/.test(char);
    }
    function isWhitespace(char) {
      return /\s/.test(char);
    }
    var ORDERED_MAPPING_TABLE = [
      // Control sequences
      ["{%", TOKEN_TYPES.OpenStatement],
      ["%}", TOKEN_TYPES.CloseStatement],
      ["{{", TOKEN_TYPES.OpenExpression],
      ["}}", TOKEN_TYPES.CloseExpression],
      // Single character tokens
      ["(", TOKEN_TYPES.OpenParen],
      [")", TOKEN_TYPES.CloseParen],
      ["{", TOKEN_TYPES.OpenCurlyBracket],
      ["}", TOKEN_TYPES.CloseCurlyBracket],
      ["[", TOKEN_TYPES.OpenSquareBracket],
      ["]", TOKEN_TYPES.CloseSquareBracket],
      [",", TOKEN_TYPES.Comma],
      [".", TOKEN_TYPES.Dot],
      [":", TOKEN_TYPES.Colon],
      ["|", TOKEN_TYPES.Pipe],
      // Comparison operators
      ["<=", TOKEN_TYPES.ComparisonBinaryOperator],
      [">=", TOKEN_TYPES.ComparisonBinaryOperator],
      ["==", TOKEN_TYPES.ComparisonBinaryOperator],
      ["!=", TOKEN_TYPES.ComparisonBinaryOperator],
      ["<", TOKEN_TYPES.ComparisonBinaryOperator],
      [">", TOKEN_TYPES.ComparisonBinaryOperator],
      // Arithmetic operators
      ["+", TOKEN_TYPES.AdditiveBinaryOperator],
      ["-", TOKEN_TYPES.AdditiveBinaryOperator],
      ["~", TOKEN_TYPES.AdditiveBinaryOperator],
      ["**", TOKEN_TYPES.ExponentiationBinaryOperator],
      // NOTE: must come before "*" so that "**" is matched first
      ["*", TOKEN_TYPES.MultiplicativeBinaryOperator],
      ["//", TOKEN_TYPES.MultiplicativeBinaryOperator],
      // NOTE: must come before "/" so that "//" is matched first
      ["/", TOKEN_TYPES.MultiplicativeBinaryOperator],
      ["%", TOKEN_TYPES.MultiplicativeBinaryOperator],
      // Assignment operator
      ["=", TOKEN_TYPES.Equals]
    ];
    var ESCAPE_CHARACTERS = /* @__PURE__ */ new Map([
      ["n", "\n"],
      // New line
      ["t", "	"],
      // Horizontal tab
      ["r", "\r"],
      // Carriage return
      ["b", "\b"],
      // Backspace
      ["f", "\f"],
      // Form feed
      ["v", "\v"],
      // Vertical tab
      ["'", "'"],
      // Single quote
      ['"', '"'],
      // Double quote
      ["\\", "\\"]
      // Backslash
    ]);
    function preprocess(template, options = {}) {
      if (template.endsWith("\n")) {
        template = template.slice(0, -1);
      }
      if (options.lstrip_blocks) {
        template = template.replace(/^[ \t]*({[#%-])/gm, "$1");
      }
      if (options.trim_blocks) {
        template = template.replace(/([#%-]})\n/g, "$1");
      }
      return template.replace(
        /(\s*){%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/gs,
        (_, before, lstrip, rstrip, after) => (lstrip ? "" : before) + (rstrip ? "" : after)
      );
    }
    function tokenize(source, options = {}) {
      const tokens = [];
      const src = preprocess(source, options);
      let cursorPosition = 0;
      let curlyBracketDepth = 0;
      const consumeWhile = (predicate) => {
        let str2 = "";
        while (predicate(src[cursorPosition])) {
          if (src[cursorPosition] === "\\") {
            ++cursorPosition;
            if (cursorPosition >= src.length) {
              throw new SyntaxError("Unexpected end of input");
            }
            const escaped = src[cursorPosition++];
            if (escaped === "x" || escaped === "u") {
              const length = escaped === "x" ? 2 : 4;
              const hex = src.slice(cursorPosition, cursorPosition + length);
              if (hex.length !== length || /[^0-9a-f]/i.test(hex)) {
                throw new SyntaxError(`Invalid hexadecimal escape sequence: \\${escaped}${hex}`);
              }
              str2 += String.fromCharCode(parseInt(hex, 16));
              cursorPosition += length;
              continue;
            }
            const unescaped = ESCAPE_CHARACTERS.get(escaped);
            if (unescaped === void 0) {
              throw new SyntaxError(`Unexpected escaped character: ${escaped}`);
            }
            str2 += unescaped;
            continue;
          }
          str2 += src[cursorPosition++];
          if (cursorPosition >= src.length) {
            throw new SyntaxError("Unexpected end of input");
          }
        }
        return str2;
      };
      const stripTrailingWhitespace = () => {
        const lastToken = tokens.at(-1);
        if (lastToken && lastToken.type === TOKEN_TYPES.Text) {
          lastToken.value = lastToken.value.trimEnd();
          if (lastToken.value === "") {
            tokens.pop();
          }
        }
      };
      const skipLeadingWhitespace = () => {
        while (cursorPosition < src.length && isWhitespace(src[cursorPosition])) {
          ++cursorPosition;
        }
      };
      main:
        while (cursorPosition < src.length) {
          const lastTokenType = tokens.at(-1)?.type;
          if (lastTokenType === void 0 || lastTokenType === TOKEN_TYPES.CloseStatement || lastTokenType === TOKEN_TYPES.CloseExpression || lastTokenType === TOKEN_TYPES.Comment) {
            let text = "";
            while (cursorPosition < src.length && // Keep going until we hit the next Jinja statement or expression
            !(src[cursorPosition] === "{" && (src[cursorPosition + 1] === "%" || src[cursorPosition + 1] === "{" || src[cursorPosition + 1] === "#"))) {
              text += src[cursorPosition++];
            }
            if (text.length > 0) {
              tokens.push(new Token(text, TOKEN_TYPES.Text));
              continue;
            }
          }
          if (src[cursorPosition] === "{" && src[cursorPosition + 1] === "#") {
            cursorPosition += 2;
            const stripBefore = src[cursorPosition] === "-";
            if (stripBefore) {
              ++cursorPosition;
            }
            let comment = "";
            while (src[cursorPosition] !== "#" || src[cursorPosition + 1] !== "}") {
              if (cursorPosition + 2 >= src.length) {
                throw new SyntaxError("Missing end of comment tag");
              }
              comment += src[cursorPosition++];
            }
            const stripAfter = comment.endsWith("-");
            if (stripAfter) {
              comment = comment.slice(0, -1);
            }
            if (stripBefore) {
              stripTrailingWhitespace();
            }
            tokens.push(new Token(comment, TOKEN_TYPES.Comment));
            cursorPosition += 2;
            if (stripAfter) {
              skipLeadingWhitespace();
            }
            continue;
          }
          if (src.slice(cursorPosition, cursorPosition + 3) === "{%-") {
            stripTrailingWhitespace();
            tokens.push(new Token("{%", TOKEN_TYPES.OpenStatement));
            cursorPosition += 3;
            continue;
          }
          if (src.slice(cursorPosition, cursorPosition + 3) === "{{-") {
            stripTrailingWhitespace();
            tokens.push(new Token("{{", TOKEN_TYPES.OpenExpression));
            curlyBracketDepth = 0;
            cursorPosition += 3;
            continue;
          }
          consumeWhile(isWhitespace);
          if (src.slice(cursorPosition, cursorPosition + 3) === "-%}") {
            tokens.push(new Token("%}", TOKEN_TYPES.CloseStatement));
            cursorPosition += 3;
            skipLeadingWhitespace();
            continue;
          }
          if (src.slice(cursorPosition, cursorPosition + 3) === "-}}") {
            tokens.push(new Token("}}", TOKEN_TYPES.CloseExpression));
            cursorPosition += 3;
            skipLeadingWhitespace();
            continue;
          }
          const char = src[cursorPosition];
          if (char === "-" || char === "+") {
            const lastTokenType2 = tokens.at(-1)?.type;
            if (lastTokenType2 === TOKEN_TYPES.Text || lastTokenType2 === void 0) {
              throw new SyntaxError(`Unexpected character: ${char}`);
            }
            switch (lastTokenType2) {
              case TOKEN_TYPES.Identifier:
              case TOKEN_TYPES.NumericLiteral:
              case TOKEN_TYPES.StringLiteral:
              case TOKEN_TYPES.CloseParen:
              case TOKEN_TYPES.CloseSquareBracket:
                break;
              default: {
                ++cursorPosition;
                let num = consumeWhile(isInteger);
                if (num.length > 0 && src[cursorPosition] === "." && isInteger(src[cursorPosition + 1])) {
                  ++cursorPosition;
                  const frac = consumeWhile(isInteger);
                  num = `${num}.${frac}`;
                }
                tokens.push(
                  new Token(`${char}${num}`, num.length > 0 ? TOKEN_TYPES.NumericLiteral : TOKEN_TYPES.UnaryOperator)
                );
                continue;
              }
            }
          }
          for (const [seq, type] of ORDERED_MAPPING_TABLE) {
            if (seq === "}}" && curlyBracketDepth > 0) {
              continue;
            }
            const slice2 = src.slice(cursorPosition, cursorPosition + seq.length);
            if (slice2 === seq) {
              tokens.push(new Token(seq, type));
              if (type === TOKEN_TYPES.OpenExpression) {
                curlyBracketDepth = 0;
              } else if (type === TOKEN_TYPES.OpenCurlyBracket) {
                ++curlyBracketDepth;
              } else if (type === TOKEN_TYPES.CloseCurlyBracket) {
                --curlyBracketDepth;
              }
              cursorPosition += seq.length;
              continue main;
            }
          }
          if (char === "'" || char === '"') {
            ++cursorPosition;
            const str2 = consumeWhile((c) => c !== char);
            tokens.push(new Token(str2, TOKEN_TYPES.StringLiteral));
            ++cursorPosition;
            continue;
          }
          if (isInteger(char)) {
            let num = consumeWhile(isInteger);
            if (tokens.at(-1)?.type !== TOKEN_TYPES.Dot && src[cursorPosition] === "." && isInteger(src[cursorPosition + 1])) {
              ++cursorPosition;
              const frac = consumeWhile(isInteger);
              num = `${num}.${frac}`;
            }
            tokens.push(new Token(num, TOKEN_TYPES.NumericLiteral));
            continue;
          }
          if (isWord(char)) {
            const word = consumeWhile(isWord);
            tokens.push(new Token(word, TOKEN_TYPES.Identifier));
            continue;
          }
          throw new SyntaxError(`Unexpected character: ${char}`);
        }
      return tokens;
    }
    var Statement = class {
      type = "Statement";
    };
    var Program = class extends Statement {
      constructor(body) {
        super();
        this.body = body;
      }
      type = "Program";
    };
    var If = class extends Statement {
      constructor(test, body, alternate) {
        super();
        this.test = test;
        this.body = body;
        this.alternate = alternate;
      }
      type = "If";
    };
    var For = class extends Statement {
      constructor(loopvar, iterable, body, defaultBlock) {
        super();
        this.loopvar = loopvar;
        this.iterable = iterable;
        this.body = body;
        this.defaultBlock = defaultBlock;
      }
      type = "For";
    };
    var Break = class extends Statement {
      type = "Break";
    };
    var Continue = class extends Statement {
      type = "Continue";
    };
    var SetStatement = class extends Statement {
      constructor(assignee, value, body) {
        super();
        this.assignee = assignee;
        this.value = value;
        this.body = body;
      }
      type = "Set";
    };
    var Macro = class extends Statement {
      constructor(name, args, body) {
        super();
        this.name = name;
        this.args = args;
        this.body = body;
      }
      type = "Macro";
    };
    var Comment = class extends Statement {
      constructor(value) {
        super();
        this.value = value;
      }
      type = "Comment";
    };
    var Expression = class extends Statement {
      type = "Expression";
    };
    var MemberExpression = class extends Expression {
      constructor(object, property, computed) {
        super();
        this.object = object;
        this.property = property;
        this.computed = computed;
      }
      type = "MemberExpression";
    };
    var CallExpression = class extends Expression {
      constructor(callee, args) {
        super();
        this.callee = callee;
        this.args = args;
      }
      type = "CallExpression";
    };
    var Identifier = class extends Expression {
      /**
       * @param {string} value The name of the identifier
       */
      constructor(value) {
        super();
        this.value = value;
      }
      type = "Identifier";
    };
    var Literal = class extends Expression {
      constructor(value) {
        super();
        this.value = value;
      }
      type = "Literal";
    };
    var IntegerLiteral = class extends Literal {
      type = "IntegerLiteral";
    };
    var FloatLiteral = class extends Literal {
      type = "FloatLiteral";
    };
    var StringLiteral = class extends Literal {
      type = "StringLiteral";
    };
    var ArrayLiteral = class extends Literal {
      type = "ArrayLiteral";
    };
    var TupleLiteral = class extends Literal {
      type = "TupleLiteral";
    };
    var ObjectLiteral = class extends Literal {
      type = "ObjectLiteral";
    };
    var BinaryExpression = class extends Expression {
      constructor(operator, left, right) {
        super();
        this.operator = operator;
        this.left = left;
        this.right = right;
      }
      type = "BinaryExpression";
    };
    var FilterExpression = class extends Expression {
      constructor(operand, filter) {
        super();
        this.operand = operand;
        this.filter = filter;
      }
      type = "FilterExpression";
    };
    var FilterStatement = class extends Statement {
      constructor(filter, body) {
        super();
        this.filter = filter;
        this.body = body;
      }
      type = "FilterStatement";
    };
    var SelectExpression = class extends Expression {
      constructor(lhs, test) {
        super();
        this.lhs = lhs;
        this.test = test;
      }
      type = "SelectExpression";
    };
    var TestExpression = class extends Expression {
      constructor(operand, negate, test) {
        super();
        this.operand = operand;
        this.negate = negate;
        this.test = test;
      }
      type = "TestExpression";
    };
    var UnaryExpression = class extends Expression {
      constructor(operator, argument) {
        super();
        this.operator = operator;
        this.argument = argument;
      }
      type = "UnaryExpression";
    };
    var SliceExpression = class extends Expression {
      constructor(start = void 0, stop = void 0, step = void 0) {
        super();
        this.start = start;
        this.stop = stop;
        this.step = step;
      }
      type = "SliceExpression";
    };
    var KeywordArgumentExpression = class extends Expression {
      constructor(key, value) {
        super();
        this.key = key;
        this.value = value;
      }
      type = "KeywordArgumentExpression";
    };
    var SpreadExpression = class extends Expression {
      constructor(argument) {
        super();
        this.argument = argument;
      }
      type = "SpreadExpression";
    };
    var KeywordSpreadExpression = class extends Expression {
      constructor(argument) {
        super();
        this.argument = argument;
      }
      type = "KeywordSpreadExpression";
    };
    var CallStatement = class extends Statement {
      constructor(call, callerArgs, body) {
        super();
        this.call = call;
        this.callerArgs = callerArgs;
        this.body = body;
      }
      type = "CallStatement";
    };
    var Ternary = class extends Expression {
      constructor(condition, trueExpr, falseExpr) {
        super();
        this.condition = condition;
        this.trueExpr = trueExpr;
        this.falseExpr = falseExpr;
      }
      type = "Ternary";
    };
    function parse2(tokens) {
      const program = new Program([]);
      let current = 0;
      function expect(type, error) {
        const prev = tokens[current++];
        if (!prev || prev.type !== type) {
          throw new Error(`Parser Error: ${error}. ${prev.type} !== ${type}.`);
        }
        return prev;
      }
      function expectIdentifier(name) {
        if (!isIdentifier(name)) {
          throw new SyntaxError(`Expected ${name}`);
        }
        ++current;
      }
      function parseAny() {
        switch (tokens[current].type) {
          case TOKEN_TYPES.Comment:
            return new Comment(tokens[current++].value);
          case TOKEN_TYPES.Text:
            return parseText();
          case TOKEN_TYPES.OpenStatement:
            return parseJinjaStatement();
          case TOKEN_TYPES.OpenExpression:
            return parseJinjaExpression();
          default:
            throw new SyntaxError(`Unexpected token type: ${tokens[current].type}`);
        }
      }
      function is(...types) {
        return current + types.length <= tokens.length && types.every((type, i) => type === tokens[current + i].type);
      }
      function isStatement(...names) {
        return tokens[current]?.type === TOKEN_TYPES.OpenStatement && tokens[current + 1]?.type === TOKEN_TYPES.Identifier && names.includes(tokens[current + 1]?.value);
      }
      function isIdentifier(...names) {
        return current + names.length <= tokens.length && names.every((name, i) => tokens[current + i].type === "Identifier" && name === tokens[current + i].value);
      }
      function parseText() {
        return new StringLiteral(expect(TOKEN_TYPES.Text, "Expected text token").value);
      }
      function parseJinjaStatement() {
        expect(TOKEN_TYPES.OpenStatement, "Expected opening statement token");
        if (tokens[current].type !== TOKEN_TYPES.Identifier) {
          throw new SyntaxError(`Unknown statement, got ${tokens[current].type}`);
        }
        const name = tokens[current].value;
        let result;
        switch (name) {
          case "set":
            ++current;
            result = parseSetStatement();
            break;
          case "if":
            ++current;
            result = parseIfStatement();
            expect(TOKEN_TYPES.OpenStatement, "Expected {% token");
            expectIdentifier("endif");
            expect(TOKEN_TYPES.CloseStatement, "Expected %} token");
            break;
          case "macro":
            ++current;
            result = parseMacroStatement();
            expect(TOKEN_TYPES.OpenStatement, "Expected {% token");
            expectIdentifier("endmacro");
            expect(TOKEN_TYPES.CloseStatement, "Expected %} token");
            break;
          case "for":
            ++current;
            result = parseForStatement();
            expect(TOKEN_TYPES.OpenStatement, "Expected {% token");
            expectIdentifier("endfor");
            expect(TOKEN_TYPES.CloseStatement, "Expected %} token");
            break;
          case "call": {
            ++current;
            let callerArgs = null;
            if (is(TOKEN_TYPES.OpenParen)) {
              callerArgs = parseArgs3("parameters");
            }
            const callee = parsePrimaryExpression();
            if (callee.type !== "Identifier") {
              throw new SyntaxError(`Expected identifier following call statement`);
            }
            const callArgs = parseArgs3("call");
            expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
            const body = [];
            while (!isStatement("endcall")) {
              body.push(parseAny());
            }
            expect(TOKEN_TYPES.OpenStatement, "Expected '{%'");
            expectIdentifier("endcall");
            expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
            const callExpr = new CallExpression(callee, callArgs);
            result = new CallStatement(callExpr, callerArgs, body);
            break;
          }
          case "break":
            ++current;
            expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
            result = new Break();
            break;
          case "continue":
            ++current;
            expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
            result = new Continue();
            break;
          case "filter": {
            ++current;
            let filterNode = parsePrimaryExpression();
            if (filterNode instanceof Identifier && is(TOKEN_TYPES.OpenParen)) {
              filterNode = parseCallExpression(filterNode);
            }
            expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
            const filterBody = [];
            while (!isStatement("endfilter")) {
              filterBody.push(parseAny());
            }
            expect(TOKEN_TYPES.OpenStatement, "Expected '{%'");
            expectIdentifier("endfilter");
            expect(TOKEN_TYPES.CloseStatement, "Expected '%}'");
            result = new FilterStatement(filterNode, filterBody);
            break;
          }
          default:
            throw new SyntaxError(`Unknown statement type: ${name}`);
        }
        return result;
      }
      function parseJinjaExpression() {
        expect(TOKEN_TYPES.OpenExpression, "Expected opening expression token");
        const result = parseExpression();
        expect(TOKEN_TYPES.CloseExpression, "Expected closing expression token");
        return result;
      }
      function parseSetStatement() {
        const left = parseExpressionSequence();
        let value = null;
        const body = [];
        if (is(TOKEN_TYPES.Equals)) {
          ++current;
          value = parseExpressionSequence();
        } else {
          expect(TOKEN_TYPES.CloseStatement, "Expected %} token");
          while (!isStatement("endset")) {
            body.push(parseAny());
          }
          expect(TOKEN_TYPES.OpenStatement, "Expected {% token");
          expectIdentifier("endset");
        }
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        return new SetStatement(left, value, body);
      }
      function parseIfStatement() {
        const test = parseExpression();
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        const body = [];
        const alternate = [];
        while (!isStatement("elif", "else", "endif")) {
          body.push(parseAny());
        }
        if (isStatement("elif")) {
          ++current;
          ++current;
          const result = parseIfStatement();
          alternate.push(result);
        } else if (isStatement("else")) {
          ++current;
          ++current;
          expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
          while (!isStatement("endif")) {
            alternate.push(parseAny());
          }
        }
        return new If(test, body, alternate);
      }
      function parseMacroStatement() {
        const name = parsePrimaryExpression();
        if (name.type !== "Identifier") {
          throw new SyntaxError(`Expected identifier following macro statement`);
        }
        const args = parseArgs3("parameters");
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        const body = [];
        while (!isStatement("endmacro")) {
          body.push(parseAny());
        }
        return new Macro(name, args, body);
      }
      function parseExpressionSequence(primary = false) {
        const fn = primary ? parsePrimaryExpression : parseExpression;
        const expressions = [fn()];
        const isTuple = is(TOKEN_TYPES.Comma);
        while (isTuple) {
          ++current;
          expressions.push(fn());
          if (!is(TOKEN_TYPES.Comma)) {
            break;
          }
        }
        return isTuple ? new TupleLiteral(expressions) : expressions[0];
      }
      function parseForStatement() {
        const loopVariable = parseExpressionSequence(true);
        if (!(loopVariable instanceof Identifier || loopVariable instanceof TupleLiteral)) {
          throw new SyntaxError(`Expected identifier/tuple for the loop variable, got ${loopVariable.type} instead`);
        }
        if (!isIdentifier("in")) {
          throw new SyntaxError("Expected `in` keyword following loop variable");
        }
        ++current;
        const iterable = parseExpression();
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        const body = [];
        while (!isStatement("endfor", "else")) {
          body.push(parseAny());
        }
        const alternative = [];
        if (isStatement("else")) {
          ++current;
          ++current;
          expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
          while (!isStatement("endfor")) {
            alternative.push(parseAny());
          }
        }
        return new For(loopVariable, iterable, body, alternative);
      }
      function parseExpression() {
        return parseIfExpression();
      }
      function parseIfExpression() {
        const a = parseLogicalOrExpression();
        if (isIdentifier("if")) {
          ++current;
          const test = parseLogicalOrExpression();
          if (isIdentifier("else")) {
            ++current;
            const falseExpr = parseIfExpression();
            return new Ternary(test, a, falseExpr);
          } else {
            return new SelectExpression(a, test);
          }
        }
        return a;
      }
      function parseLogicalOrExpression() {
        let left = parseLogicalAndExpression();
        while (isIdentifier("or")) {
          const operator = tokens[current];
          ++current;
          const right = parseLogicalAndExpression();
          left = new BinaryExpression(operator, left, right);
        }
        return left;
      }
      function parseLogicalAndExpression() {
        let left = parseLogicalNegationExpression();
        while (isIdentifier("and")) {
          const operator = tokens[current];
          ++current;
          const right = parseLogicalNegationExpression();
          left = new BinaryExpression(operator, left, right);
        }
        return left;
      }
      function parseLogicalNegationExpression() {
        let right;
        while (isIdentifier("not")) {
          const operator = tokens[current];
          ++current;
          const arg = parseLogicalNegationExpression();
          right = new UnaryExpression(operator, arg);
        }
        return right ?? parseComparisonExpression();
      }
      function parseComparisonExpression() {
        let left = parseAdditiveExpression();
        while (true) {
          let operator;
          if (isIdentifier("not", "in")) {
            operator = new Token("not in", TOKEN_TYPES.Identifier);
            current += 2;
          } else if (isIdentifier("in")) {
            operator = tokens[current++];
          } else if (is(TOKEN_TYPES.ComparisonBinaryOperator)) {
            operator = tokens[current++];
          } else {
            break;
          }
          const right = parseAdditiveExpression();
          left = new BinaryExpression(operator, left, right);
        }
        return left;
      }
      function parseAdditiveExpression() {
        let left = parseMultiplicativeExpression();
        while (is(TOKEN_TYPES.AdditiveBinaryOperator)) {
          const operator = tokens[current];
          ++current;
          const right = parseMultiplicativeExpression();
          left = new BinaryExpression(operator, left, right);
        }
        return left;
      }
      function parseCallMemberExpression() {
        const member = parseMemberExpression(parsePrimaryExpression());
        if (is(TOKEN_TYPES.OpenParen)) {
          return parseCallExpression(member);
        }
        return member;
      }
      function parseCallExpression(callee) {
        let expression = new CallExpression(callee, parseArgs3("call"));
        expression = parseMemberExpression(expression);
        if (is(TOKEN_TYPES.OpenParen)) {
          expression = parseCallExpression(expression);
        }
        return expression;
      }
      function parseArgs3(mode) {
        expect(TOKEN_TYPES.OpenParen, "Expected opening parenthesis for arguments list");
        const args = parseArgumentsList(mode);
        expect(TOKEN_TYPES.CloseParen, "Expected closing parenthesis for arguments list");
        return args;
      }
      function parseArgumentsList(mode) {
        const args = [];
        const parameterNames = /* @__PURE__ */ new Set();
        let sawKeywordOrDefault = false;
        let sawSpreadArgument = false;
        while (!is(TOKEN_TYPES.CloseParen)) {
          const isKeywordSpread = is(TOKEN_TYPES.ExponentiationBinaryOperator);
          const isPositionalSpread = is(TOKEN_TYPES.MultiplicativeBinaryOperator) && tokens[current].value === "*";
          if (mode === "parameters" && (isKeywordSpread || isPositionalSpread)) {
            throw new SyntaxError("Argument unpacking is not allowed in parameter declarations");
          }
          if (isKeywordSpread) {
            ++current;
            args.push(new KeywordSpreadExpression(parseExpression()));
            if (is(TOKEN_TYPES.Comma)) {
              ++current;
            }
            if (!is(TOKEN_TYPES.CloseParen)) {
              throw new SyntaxError("Expected closing parenthesis: `**` must be applied to the final argument");
            }
            break;
          }
          let argument;
          if (isPositionalSpread) {
            if (sawSpreadArgument) {
              throw new SyntaxError("Only one `*` argument unpacking is allowed");
            }
            sawSpreadArgument = true;
            ++current;
            const expr = parseExpression();
            argument = new SpreadExpression(expr);
          } else {
            argument = parseExpression();
            if (is(TOKEN_TYPES.Equals)) {
              ++current;
              if (!(argument instanceof Identifier)) {
                throw new SyntaxError(
                  mode === "parameters" ? "Expected identifier for parameter declaration" : "Expected identifier for keyword argument"
                );
              }
              const value = parseExpression();
              argument = new KeywordArgumentExpression(argument, value);
            }
            if (mode === "parameters") {
              if (!(argument instanceof Identifier || argument instanceof KeywordArgumentExpression)) {
                throw new SyntaxError("Expected identifier for parameter declaration");
              }
              const parameterName = argument instanceof Identifier ? argument.value : argument.key.value;
              if (parameterNames.has(parameterName)) {
                throw new SyntaxError(`Duplicate parameter name: ${parameterName}`);
              }
              parameterNames.add(parameterName);
            }
            if (argument instanceof KeywordArgumentExpression) {
              sawKeywordOrDefault = true;
            } else if (sawKeywordOrDefault) {
              throw new SyntaxError(
                mode === "call" ? "Positional arguments must come before keyword arguments" : "Non-default argument follows default argument"
              );
            } else if (sawSpreadArgument) {
              throw new SyntaxError("Positional arguments must not follow `*` argument unpacking");
            }
          }
          args.push(argument);
          if (is(TOKEN_TYPES.Comma)) {
            ++current;
          }
        }
        return args;
      }
      function parseMemberExpressionArgumentsList() {
        const slices = [];
        let isSlice = false;
        while (!is(TOKEN_TYPES.CloseSquareBracket)) {
          if (is(TOKEN_TYPES.Colon)) {
            slices.push(void 0);
            ++current;
            isSlice = true;
          } else {
            slices.push(parseExpression());
            if (is(TOKEN_TYPES.Colon)) {
              ++current;
              isSlice = true;
            }
          }
        }
        if (slices.length === 0) {
          throw new SyntaxError(`Expected at least one argument for member/slice expression`);
        }
        if (isSlice) {
          if (slices.length > 3) {
            throw new SyntaxError(`Expected 0-3 arguments for slice expression`);
          }
          return new SliceExpression(...slices);
        }
        return slices[0];
      }
      function parseMemberExpression(object) {
        while (is(TOKEN_TYPES.Dot) || is(TOKEN_TYPES.OpenSquareBracket)) {
          const operator = tokens[current];
          ++current;
          let property;
          const computed = operator.type === TOKEN_TYPES.OpenSquareBracket;
          if (computed) {
            property = parseMemberExpressionArgumentsList();
            expect(TOKEN_TYPES.CloseSquareBracket, "Expected closing square bracket");
          } else {
            property = parsePrimaryExpression();
            if (property.type !== "Identifier" && property.type !== "IntegerLiteral") {
              throw new SyntaxError(`Expected identifier or integer following dot operator`);
            }
          }
          object = new MemberExpression(object, property, computed);
        }
        return object;
      }
      function parseMultiplicativeExpression() {
        let left = parsePowerExpression();
        while (is(TOKEN_TYPES.MultiplicativeBinaryOperator)) {
          const operator = tokens[current++];
          const right = parsePowerExpression();
          left = new BinaryExpression(operator, left, right);
        }
        return left;
      }
      function parsePowerExpression() {
        let left = parseTestExpression();
        while (is(TOKEN_TYPES.ExponentiationBinaryOperator)) {
          const operator = tokens[current++];
          const right = parseTestExpression();
          left = new BinaryExpression(operator, left, right);
        }
        return left;
      }
      function parseTestExpression() {
        let operand = parseFilterExpression();
        while (isIdentifier("is")) {
          ++current;
          const negate = isIdentifier("not");
          if (negate) {
            ++current;
          }
          const filter = parsePrimaryExpression();
          if (!(filter instanceof Identifier)) {
            throw new SyntaxError(`Expected identifier for the test`);
          }
          operand = new TestExpression(operand, negate, filter);
        }
        return operand;
      }
      function parseFilterExpression() {
        let operand = parseUnarySignExpression();
        while (is(TOKEN_TYPES.Pipe)) {
          ++current;
          let filter = parsePrimaryExpression();
          if (!(filter instanceof Identifier)) {
            throw new SyntaxError(`Expected identifier for the filter`);
          }
          if (is(TOKEN_TYPES.OpenParen)) {
            filter = parseCallExpression(filter);
          }
          operand = new FilterExpression(operand, filter);
        }
        return operand;
      }
      function parseUnarySignExpression() {
        const token = tokens[current];
        if (token && (token.type === TOKEN_TYPES.UnaryOperator || token.type === TOKEN_TYPES.AdditiveBinaryOperator) && (token.value === "-" || token.value === "+")) {
          const operator = tokens[current++];
          const argument = parseUnarySignExpression();
          return new UnaryExpression(operator, argument);
        }
        return parseCallMemberExpression();
      }
      function parsePrimaryExpression() {
        const token = tokens[current++];
        switch (token.type) {
          case TOKEN_TYPES.NumericLiteral: {
            const num = token.value;
            return num.includes(".") ? new FloatLiteral(Number(num)) : new IntegerLiteral(Number(num));
          }
          case TOKEN_TYPES.StringLiteral: {
            let value = token.value;
            while (is(TOKEN_TYPES.StringLiteral)) {
              value += tokens[current++].value;
            }
            return new StringLiteral(value);
          }
          case TOKEN_TYPES.Identifier:
            return new Identifier(token.value);
          case TOKEN_TYPES.OpenParen: {
            const expression = parseExpressionSequence();
            expect(TOKEN_TYPES.CloseParen, "Expected closing parenthesis, got ${tokens[current].type} instead.");
            return expression;
          }
          case TOKEN_TYPES.OpenSquareBracket: {
            const values = [];
            while (!is(TOKEN_TYPES.CloseSquareBracket)) {
              values.push(parseExpression());
              if (is(TOKEN_TYPES.Comma)) {
                ++current;
              }
            }
            ++current;
            return new ArrayLiteral(values);
          }
          case TOKEN_TYPES.OpenCurlyBracket: {
            const values = /* @__PURE__ */ new Map();
            while (!is(TOKEN_TYPES.CloseCurlyBracket)) {
              const key = parseExpression();
              expect(TOKEN_TYPES.Colon, "Expected colon between key and value in object literal");
              const value = parseExpression();
              values.set(key, value);
              if (is(TOKEN_TYPES.Comma)) {
                ++current;
              }
            }
            ++current;
            return new ObjectLiteral(values);
          }
          default:
            throw new SyntaxError(`Unexpected token: ${token.type}`);
        }
      }
      while (current < tokens.length) {
        program.body.push(parseAny());
      }
      return program;
    }
    function range(start, stop, step = 1) {
      if (stop === void 0) {
        stop = start;
        start = 0;
      }
      if (step === 0) {
        throw new Error("range() step must not be zero");
      }
      const result = [];
      if (step > 0) {
        for (let i = start; i < stop; i += step) {
          result.push(i);
        }
      } else {
        for (let i = start; i > stop; i += step) {
          result.push(i);
        }
      }
      return result;
    }
    function slice(array, start, stop, step = 1) {
      const direction = Math.sign(step);
      if (direction >= 0) {
        start = (start ??= 0) < 0 ? Math.max(array.length + start, 0) : Math.min(start, array.length);
        stop = (stop ??= array.length) < 0 ? Math.max(array.length + stop, 0) : Math.min(stop, array.length);
      } else {
        start = (start ??= array.length - 1) < 0 ? Math.max(array.length + start, -1) : Math.min(start, array.length - 1);
        stop = (stop ??= -1) < -1 ? Math.max(array.length + stop, -1) : Math.min(stop, array.length - 1);
      }
      const result = [];
      for (let i = start; direction * i < direction * stop; i += step) {
        result.push(array[i]);
      }
      return result;
    }
    function titleCase(value) {
      return value.replace(/\b\w/g, (c) => c.toUpperCase());
    }
    function strftime_now(format2) {
      return strftime(/* @__PURE__ */ new Date(), format2);
    }
    function strftime(date, format2) {
      const monthFormatterLong = new Intl.DateTimeFormat(void 0, { month: "long" });
      const monthFormatterShort = new Intl.DateTimeFormat(void 0, { month: "short" });
      const pad2 = (n) => n < 10 ? "0" + n : n.toString();
      return format2.replace(/%[YmdbBHM%]/g, (token) => {
        switch (token) {
          case "%Y":
            return date.getFullYear().toString();
          case "%m":
            return pad2(date.getMonth() + 1);
          case "%d":
            return pad2(date.getDate());
          case "%b":
            return monthFormatterShort.format(date);
          case "%B":
            return monthFormatterLong.format(date);
          case "%H":
            return pad2(date.getHours());
          case "%M":
            return pad2(date.getMinutes());
          case "%%":
            return "%";
          default:
            return token;
        }
      });
    }
    function escapeRegExp(s) {
      return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
    function replace(str2, oldvalue, newvalue, count) {
      if (count === 0) {
        return str2;
      }
      let remaining = count == null || count < 0 ? Infinity : count;
      const pattern = oldvalue.length === 0 ? new RegExp("(?=)", "gu") : new RegExp(escapeRegExp(oldvalue), "gu");
      return str2.replaceAll(pattern, (match) => {
        if (remaining > 0) {
          --remaining;
          return newvalue;
        }
        return match;
      });
    }
    var BreakControl = class extends Error {
    };
    var ContinueControl = class extends Error {
    };
    var EMPTY_BUILTINS = /* @__PURE__ */ new Map();
    var RuntimeValue = class {
      type = "RuntimeValue";
      value;
      /**
       * A collection of built-in functions for this type.
       */
      get builtins() {
        return EMPTY_BUILTINS;
      }
      /**
       * Creates a new RuntimeValue.
       */
      constructor(value = void 0) {
        this.value = value;
      }
      /**
       * Determines truthiness or falsiness of the runtime value.
       * This function should be overridden by subclasses if it has custom truthiness criteria.
       * @returns {BooleanValue} BooleanValue(true) if the value is truthy, BooleanValue(false) otherwise.
       */
      __bool__() {
        return new BooleanValue(!!this.value);
      }
      toString() {
        return String(this.value);
      }
    };
    var IntegerValue = class extends RuntimeValue {
      type = "IntegerValue";
    };
    var FloatValue = class extends RuntimeValue {
      type = "FloatValue";
      toString() {
        if (Object.is(this.value, -0)) {
          return "-0.0";
        }
        return this.value % 1 === 0 ? this.value.toFixed(1) : this.value.toString();
      }
    };
    var StringValue = class extends RuntimeValue {
      type = "StringValue";
      _builtins;
      get builtins() {
        return this._builtins ??= /* @__PURE__ */ new Map([
          [
            "upper",
            new FunctionValue(() => {
              return new StringValue(this.value.toUpperCase());
            })
          ],
          [
            "lower",
            new FunctionValue(() => {
              return new StringValue(this.value.toLowerCase());
            })
          ],
          [
            "strip",
            new FunctionValue(() => {
              return new StringValue(this.value.trim());
            })
          ],
          [
            "title",
            new FunctionValue(() => {
              return new StringValue(titleCase(this.value));
            })
          ],
          [
            "capitalize",
            new FunctionValue(() => {
              return new StringValue(this.value.charAt(0).toUpperCase() + this.value.slice(1));
            })
          ],
          ["length", new IntegerValue(this.value.length)],
          [
            "rstrip",
            new FunctionValue(() => {
              return new StringValue(this.value.trimEnd());
            })
          ],
          [
            "lstrip",
            new FunctionValue(() => {
              return new StringValue(this.value.trimStart());
            })
          ],
          [
            "startswith",
            new FunctionValue((args) => {
              if (args.length === 0) {
                throw new Error("startswith() requires at least one argument");
              }
              const pattern = args[0];
              if (pattern instanceof StringValue) {
                return new BooleanValue(this.value.startsWith(pattern.value));
              } else if (pattern instanceof ArrayValue) {
                for (const item of pattern.value) {
                  if (!(item instanceof StringValue)) {
                    throw new Error("startswith() tuple elements must be strings");
                  }
                  if (this.value.startsWith(item.value)) {
                    return new BooleanValue(true);
                  }
                }
                return new BooleanValue(false);
              }
              throw new Error("startswith() argument must be a string or tuple of strings");
            })
          ],
          [
            "endswith",
            new FunctionValue((args) => {
              if (args.length === 0) {
                throw new Error("endswith() requires at least one argument");
              }
              const pattern = args[0];
              if (pattern instanceof StringValue) {
                return new BooleanValue(this.value.endsWith(pattern.value));
              } else if (pattern instanceof ArrayValue) {
                for (const item of pattern.value) {
                  if (!(item instanceof StringValue)) {
                    throw new Error("endswith() tuple elements must be strings");
                  }
                  if (this.value.endsWith(item.value)) {
                    return new BooleanValue(true);
                  }
                }
                return new BooleanValue(false);
              }
              throw new Error("endswith() argument must be a string or tuple of strings");
            })
          ],
          [
            "split",
            // follows Python's `str.split(sep=None, maxsplit=-1)` function behavior
            // https://docs.python.org/3.13/library/stdtypes.html#str.split
            new FunctionValue((args) => {
              const sep = args[0] ?? new NullValue();
              if (!(sep instanceof StringValue || sep instanceof NullValue)) {
                throw new Error("sep argument must be a string or null");
              }
              const maxsplit = args[1] ?? new IntegerValue(-1);
              if (!(maxsplit instanceof IntegerValue)) {
                throw new Error("maxsplit argument must be a number");
              }
              let result = [];
              if (sep instanceof NullValue) {
                const text = this.value.trimStart();
                for (const { 0: match, index } of text.matchAll(/\S+/g)) {
                  if (maxsplit.value !== -1 && result.length >= maxsplit.value && index !== void 0) {
                    result.push(match + text.slice(index + match.length));
                    break;
                  }
                  result.push(match);
                }
              } else {
                if (sep.value === "") {
                  throw new Error("empty separator");
                }
                result = this.value.split(sep.value);
                if (maxsplit.value !== -1 && result.length > maxsplit.value) {
                  result.push(result.splice(maxsplit.value).join(sep.value));
                }
              }
              return new ArrayValue(result.map((part) => new StringValue(part)));
            })
          ],
          [
            "replace",
            new FunctionValue((args) => {
              if (args.length < 2) {
                throw new Error("replace() requires at least two arguments");
              }
              const oldValue = args[0];
              const newValue = args[1];
              if (!(oldValue instanceof StringValue && newValue instanceof StringValue)) {
                throw new Error("replace() arguments must be strings");
              }
              let count;
              if (args.length > 2) {
                if (args[2].type === "KeywordArgumentsValue") {
                  count = args[2].value.get("count") ?? new NullValue();
                } else {
                  count = args[2];
                }
              } else {
                count = new NullValue();
              }
              if (!(count instanceof IntegerValue || count instanceof NullValue)) {
                throw new Error("replace() count argument must be a number or null");
              }
              return new StringValue(replace(this.value, oldValue.value, newValue.value, count.value));
            })
          ]
        ]);
      }
    };
    var BooleanValue = class extends RuntimeValue {
      type = "BooleanValue";
    };
    var NON_ASCII_CHARS = /[\x7f-\uffff]/g;
    function makeAsciiSafe(str2) {
      return str2.replace(NON_ASCII_CHARS, (char) => "\\u" + char.charCodeAt(0).toString(16).padStart(4, "0"));
    }
    function toJSON(input, options = {}, depth = 0, convertUndefinedToNull = true) {
      const { indent = null, ensureAscii = false, separators = null, sortKeys = false } = options;
      let itemSeparator;
      let keySeparator;
      if (separators) {
        [itemSeparator, keySeparator] = separators;
      } else if (indent) {
        itemSeparator = ",";
        keySeparator = ": ";
      } else {
        itemSeparator = ", ";
        keySeparator = ": ";
      }
      switch (input.type) {
        case "NullValue":
          return "null";
        case "UndefinedValue":
          return convertUndefinedToNull ? "null" : "undefined";
        case "IntegerValue":
        case "FloatValue":
        case "BooleanValue":
          return JSON.stringify(input.value);
        case "StringValue": {
          let result = JSON.stringify(input.value);
          if (ensureAscii) {
            result = makeAsciiSafe(result);
          }
          return result;
        }
        case "ArrayValue":
        case "NamespaceValue":
        case "ObjectValue": {
          const indentValue = indent ? " ".repeat(indent) : "";
          const basePadding = "\n" + indentValue.repeat(depth);
          const childrenPadding = basePadding + indentValue;
          if (input.type === "ArrayValue") {
            const core = input.value.map((x) => toJSON(x, options, depth + 1, convertUndefinedToNull));
            return indent && core.length > 0 ? `[${childrenPadding}${core.join(`${itemSeparator}${childrenPadding}`)}${basePadding}]` : `[${core.join(itemSeparator)}]`;
          } else {
            let entries = Array.from(input.value.entries());
            if (sortKeys) {
              entries = entries.sort(([a], [b]) => a.localeCompare(b));
            }
            const core = entries.map(([key, value]) => {
              let keyStr = JSON.stringify(key);
              if (ensureAscii) {
                keyStr = makeAsciiSafe(keyStr);
              }
              const v = `${keyStr}${keySeparator}${toJSON(value, options, depth + 1, convertUndefinedToNull)}`;
              return indent ? `${childrenPadding}${v}` : v;
            });
            return indent && core.length > 0 ? `{${core.join(itemSeparator)}${basePadding}}` : `{${core.join(itemSeparator)}}`;
          }
        }
        default:
          throw new Error(`Cannot convert to JSON: ${input.type}`);
      }
    }
    var ObjectValue = class extends RuntimeValue {
      type = "ObjectValue";
      _builtins;
      /**
       * NOTE: necessary to override since all JavaScript arrays are considered truthy,
       * while only non-empty Python arrays are consider truthy.
       *
       * e.g.,
       *  - JavaScript:  {} && 5 -> 5
       *  - Python:      {} and 5 -> {}
       */
      __bool__() {
        return new BooleanValue(this.value.size > 0);
      }
      get builtins() {
        return this._builtins ??= /* @__PURE__ */ new Map([
          [
            "get",
            new FunctionValue(([key, defaultValue]) => {
              if (!(key instanceof StringValue)) {
                throw new Error(`Object key must be a string: got ${key.type}`);
              }
              return this.value.get(key.value) ?? defaultValue ?? new NullValue();
            })
          ],
          ["items", new FunctionValue(() => this.items())],
          ["keys", new FunctionValue(() => this.keys())],
          ["values", new FunctionValue(() => this.values())],
          [
            "dictsort",
            new FunctionValue((args) => {
              let kwargs = /* @__PURE__ */ new Map();
              const positionalArgs = args.filter((arg) => {
                if (arg instanceof KeywordArgumentsValue) {
                  kwargs = arg.value;
                  return false;
                }
                return true;
              });
              const caseSensitive = positionalArgs.at(0) ?? kwargs.get("case_sensitive") ?? new BooleanValue(false);
              if (!(caseSensitive instanceof BooleanValue)) {
                throw new Error("case_sensitive must be a boolean");
              }
              const by = positionalArgs.at(1) ?? kwargs.get("by") ?? new StringValue("key");
              if (!(by instanceof StringValue)) {
                throw new Error("by must be a string");
              }
              if (!["key", "value"].includes(by.value)) {
                throw new Error("by must be either 'key' or 'value'");
              }
              const reverse = positionalArgs.at(2) ?? kwargs.get("reverse") ?? new BooleanValue(false);
              if (!(reverse instanceof BooleanValue)) {
                throw new Error("reverse must be a boolean");
              }
              const items = Array.from(this.value.entries()).map(([key, value]) => new ArrayValue([new StringValue(key), value])).sort((a, b) => {
                const index = by.value === "key" ? 0 : 1;
                const aVal = a.value[index];
                const bVal = b.value[index];
                const result = compareRuntimeValues(aVal, bVal, caseSensitive.value);
                return reverse.value ? -result : result;
              });
              return new ArrayValue(items);
            })
          ]
        ]);
      }
      items() {
        return new ArrayValue(
          Array.from(this.value.entries()).map(([key, value]) => new ArrayValue([new StringValue(key), value]))
        );
      }
      keys() {
        return new ArrayValue(Array.from(this.value.keys()).map((key) => new StringValue(key)));
      }
      values() {
        return new ArrayValue(Array.from(this.value.values()));
      }
      toString() {
        return toJSON(this, {}, 0, false);
      }
    };
    var KeywordArgumentsValue = class extends ObjectValue {
      type = "KeywordArgumentsValue";
    };
    var NamespaceValue = class extends RuntimeValue {
      type = "NamespaceValue";
      toString() {
        return toJSON(this, {}, 0, false);
      }
    };
    var ArrayValue = class extends RuntimeValue {
      type = "ArrayValue";
      _builtins;
      get builtins() {
        return this._builtins ??= /* @__PURE__ */ new Map([["length", new IntegerValue(this.value.length)]]);
      }
      /**
       * NOTE: necessary to override since all JavaScript arrays are considered truthy,
       * while only non-empty Python arrays are consider truthy.
       *
       * e.g.,
       *  - JavaScript:  [] && 5 -> 5
       *  - Python:      [] and 5 -> []
       */
      __bool__() {
        return new BooleanValue(this.value.length > 0);
      }
      toString() {
        return toJSON(this, {}, 0, false);
      }
    };
    var TupleValue = class extends ArrayValue {
      type = "TupleValue";
    };
    var FunctionValue = class extends RuntimeValue {
      type = "FunctionValue";
    };
    var NullValue = class extends RuntimeValue {
      type = "NullValue";
    };
    var UndefinedValue = class extends RuntimeValue {
      type = "UndefinedValue";
    };
    function normalizeNamespaceEntry(pair) {
      let values;
      if (pair instanceof ArrayValue) {
        values = pair.value;
      } else if (pair instanceof StringValue) {
        values = Array.from(pair.value, (char) => new StringValue(char));
      }
      if (!values || values.length !== 2) {
        throw new Error("namespace expected an object or an iterable of [key, value] pairs");
      }
      const [key, value] = values;
      if (!(key instanceof StringValue)) {
        throw new Error("namespace keys must be strings");
      }
      return [key, value];
    }
    var _Environment = class {
      constructor(parent) {
        this.parent = parent;
      }
      /**
       * The variables declared in this environment.
       */
      variables = /* @__PURE__ */ new Map([
        [
          "namespace",
          new FunctionValue((args) => {
            const positional = args.slice();
            let kwargs;
            if (positional.at(-1) instanceof KeywordArgumentsValue) {
              kwargs = positional.pop();
            }
            if (positional.length > 1) {
              throw new Error(`namespace expected at most 1 argument, got ${positional.length}`);
            }
            const entries = /* @__PURE__ */ new Map();
            if (positional.length === 1) {
              const source = positional[0];
              if (source instanceof ObjectValue) {
                for (const [key, value] of source.value) {
                  entries.set(key, value);
                }
              } else if (source instanceof ArrayValue) {
                for (const pair of source.value) {
                  const [key, value] = normalizeNamespaceEntry(pair);
                  entries.set(key.value, value);
                }
              } else {
                throw new Error(`'${source.type}' object is not iterable`);
              }
            }
            if (kwargs) {
              for (const [key, value] of kwargs.value) {
                entries.set(key, value);
              }
            }
            return new NamespaceValue(entries);
          })
        ]
      ]);
      tests = _Environment.TESTS;
      /**
       * Set the value of a variable in the current environment.
       */
      set(name, value) {
        return this.declareVariable(name, convertToRuntimeValues(value));
      }
      declareVariable(name, value) {
        if (this.variables.has(name)) {
          throw new SyntaxError(`Variable already declared: ${name}`);
        }
        this.variables.set(name, value);
        return value;
      }
      // private assignVariable(name: string, value: AnyRuntimeValue): AnyRuntimeValue {
      // 	const env = this.resolve(name);
      // 	env.variables.set(name, value);
      // 	return value;
      // }
      /**
       * Set variable in the current scope.
       * See https://jinja.palletsprojects.com/en/3.0.x/templates/#assignments for more information.
       */
      setVariable(name, value) {
        this.variables.set(name, value);
        return value;
      }
      /**
       * Resolve the environment in which the variable is declared.
       * @param {string} name The name of the variable.
       * @returns {Environment} The environment in which the variable is declared.
       */
      resolve(name) {
        if (this.variables.has(name)) {
          return this;
        }
        if (this.parent) {
          return this.parent.resolve(name);
        }
        throw new Error(`Unknown variable: ${name}`);
      }
      lookupVariable(name) {
        try {
          return this.resolve(name).variables.get(name) ?? new UndefinedValue();
        } catch {
          return new UndefinedValue();
        }
      }
    };
    var Environment = _Environment;
    __publicField(Environment, "TESTS", /* @__PURE__ */ new Map([
      ["boolean", (operand) => operand.type === "BooleanValue"],
      ["callable", (operand) => operand instanceof FunctionValue],
      [
        "odd",
        (operand) => {
          if (!(operand instanceof IntegerValue)) {
            throw new Error(`cannot odd on ${operand.type}`);
          }
          return operand.value % 2 !== 0;
        }
      ],
      [
        "even",
        (operand) => {
          if (!(operand instanceof IntegerValue)) {
            throw new Error(`cannot even on ${operand.type}`);
          }
          return operand.value % 2 === 0;
        }
      ],
      ["false", (operand) => operand.type === "BooleanValue" && !operand.value],
      ["true", (operand) => operand.type === "BooleanValue" && operand.value],
      ["none", (operand) => operand.type === "NullValue"],
      ["string", (operand) => operand.type === "StringValue"],
      ["number", (operand) => operand instanceof IntegerValue || operand instanceof FloatValue],
      ["integer", (operand) => operand instanceof IntegerValue],
      ["iterable", (operand) => operand.type === "ArrayValue" || operand.type === "StringValue"],
      ["mapping", (operand) => operand instanceof ObjectValue],
      [
        "sequence",
        (operand) => operand instanceof ArrayValue || operand instanceof ObjectValue || operand instanceof StringValue
      ],
      [
        "lower",
        (operand) => {
          const str2 = operand.value;
          return operand.type === "StringValue" && str2 === str2.toLowerCase();
        }
      ],
      [
        "upper",
        (operand) => {
          const str2 = operand.value;
          return operand.type === "StringValue" && str2 === str2.toUpperCase();
        }
      ],
      ["none", (operand) => operand.type === "NullValue"],
      ["defined", (operand) => operand.type !== "UndefinedValue"],
      ["undefined", (operand) => operand.type === "UndefinedValue"],
      ["equalto", (a, b) => a.value === b.value],
      ["eq", (a, b) => a.value === b.value]
    ]));
    function setupGlobals(env) {
      env.set("false", false);
      env.set("true", true);
      env.set("none", null);
      env.set("raise_exception", (args) => {
        throw new Error(args);
      });
      env.set("range", range);
      env.set("strftime_now", strftime_now);
      env.set("True", true);
      env.set("False", false);
      env.set("None", null);
    }
    function isAttributeContainer(value) {
      return value instanceof ObjectValue || value instanceof NamespaceValue;
    }
    function isNumericLikeValue(value) {
      return value instanceof IntegerValue || value instanceof FloatValue || value instanceof BooleanValue;
    }
    function getNumericValue(value) {
      return value instanceof BooleanValue ? Number(value.value) : value.value;
    }
    function getAttributeValue(item, attributePath) {
      const parts = attributePath.split(".");
      let value = item;
      for (const part of parts) {
        if (isAttributeContainer(value)) {
          value = value.value.get(part) ?? new UndefinedValue();
        } else if (value instanceof ArrayValue) {
          const index = parseInt(part, 10);
          if (!isNaN(index) && index >= 0 && index < value.value.length) {
            value = value.value[index];
          } else {
            return new UndefinedValue();
          }
        } else {
          return new UndefinedValue();
        }
      }
      return value;
    }
    function compareRuntimeValues(a, b, caseSensitive = false) {
      if (a instanceof NullValue && b instanceof NullValue) {
        return 0;
      }
      if (a instanceof NullValue || b instanceof NullValue) {
        throw new Error(`Cannot compare ${a.type} with ${b.type}`);
      }
      if (a instanceof UndefinedValue && b instanceof UndefinedValue) {
        return 0;
      }
      if (a instanceof UndefinedValue || b instanceof UndefinedValue) {
        throw new Error(`Cannot compare ${a.type} with ${b.type}`);
      }
      if (isNumericLikeValue(a) && isNumericLikeValue(b)) {
        const aNum = getNumericValue(a);
        const bNum = getNumericValue(b);
        return aNum < bNum ? -1 : aNum > bNum ? 1 : 0;
      }
      if (a.type !== b.type) {
        throw new Error(`Cannot compare different types: ${a.type} and ${b.type}`);
      }
      switch (a.type) {
        case "StringValue": {
          let aStr = a.value;
          let bStr = b.value;
          if (!caseSensitive) {
            aStr = aStr.toLowerCase();
            bStr = bStr.toLowerCase();
          }
          return aStr < bStr ? -1 : aStr > bStr ? 1 : 0;
        }
        default:
          throw new Error(`Cannot compare type: ${a.type}`);
      }
    }
    function getParameterDescriptor(argument) {
      if (argument.type === "Identifier") {
        return { name: argument.value };
      }
      const keywordArgument = argument;
      return { name: keywordArgument.key.value, defaultValue: keywordArgument.value };
    }
    function isSpecialMacroArgument(name) {
      return name === "kwargs" || name === "varargs";
    }
    function findAccessedSpecialMacroArguments(parameters, body) {
      const declared = /* @__PURE__ */ new Set();
      const accessed = /* @__PURE__ */ new Set();
      const declareName = (name) => {
        if (isSpecialMacroArgument(name)) {
          declared.add(name);
        }
      };
      const declareTarget = (target) => {
        if (target.type === "Identifier") {
          declareName(target.value);
        } else if (target.type === "TupleLiteral") {
          for (const item of target.value) {
            declareTarget(item);
          }
        }
      };
      const declareArgument = (argument) => {
        declareName(getParameterDescriptor(argument).name);
      };
      const visitArgumentDefaults = (args) => {
        for (const argument of args) {
          const parameter = getParameterDescriptor(argument);
          if (parameter.defaultValue) {
            visit(parameter.defaultValue);
          }
        }
      };
      const visitFilter = (filter) => {
        if (filter.type === "CallExpression") {
          visit(filter.args);
        }
      };
      const visit = (node) => {
        if (Array.isArray(node)) {
          for (const item of node) {
            visit(item);
          }
          return;
        }
        if (node instanceof Map) {
          for (const [key, value] of node) {
            visit(key);
            visit(value);
          }
          return;
        }
        if (!(node instanceof Statement)) {
          return;
        }
        switch (node.type) {
          case "For": {
            const statement = node;
            declareTarget(statement.loopvar);
            if (statement.iterable.type === "SelectExpression") {
              const iterable = statement.iterable;
              visit(iterable.lhs);
              visit(statement.body);
              visit(statement.defaultBlock);
              visit(iterable.test);
              return;
            }
            visit(statement.iterable);
            visit(statement.body);
            visit(statement.defaultBlock);
            return;
          }
          case "Set": {
            const statement = node;
            declareTarget(statement.assignee);
            visit(statement.value);
            visit(statement.body);
            return;
          }
          case "Macro": {
            const statement = node;
            for (const argument of statement.args) {
              declareArgument(argument);
            }
            visitArgumentDefaults(statement.args);
            visit(statement.body);
            return;
          }
          case "CallStatement": {
            const statement = node;
            visit(statement.call);
            for (const argument of statement.callerArgs ?? []) {
              declareArgument(argument);
            }
            visitArgumentDefaults(statement.callerArgs ?? []);
            visit(statement.body);
            return;
          }
          case "FilterStatement": {
            const statement = node;
            visit(statement.body);
            visitFilter(statement.filter);
            return;
          }
          case "Identifier": {
            const name = node.value;
            if (isSpecialMacroArgument(name) && !declared.has(name)) {
              accessed.add(name);
            }
            return;
          }
          case "MemberExpression": {
            const expression = node;
            visit(expression.object);
            if (expression.computed) {
              visit(expression.property);
            }
            return;
          }
          case "FilterExpression": {
            const expression = node;
            visit(expression.operand);
            visitFilter(expression.filter);
            return;
          }
          case "TestExpression":
            visit(node.operand);
            return;
          case "SelectExpression": {
            const expression = node;
            visit(expression.test);
            visit(expression.lhs);
            return;
          }
          case "KeywordArgumentExpression":
            visit(node.value);
            return;
          default:
            for (const child of Object.values(node)) {
              visit(child);
            }
        }
      };
      for (const parameter of parameters) {
        declareArgument(parameter);
      }
      visit(body);
      return accessed;
    }
    var Interpreter = class {
      global;
      constructor(env) {
        this.global = env ?? new Environment();
      }
      /**
       * Run the program.
       */
      run(program) {
        return this.evaluate(program, this.global);
      }
      /**
       * Evaluates expressions following the binary operation type.
       */
      evaluateBinaryExpression(node, environment) {
        const left = this.evaluate(node.left, environment);
        switch (node.operator.value) {
          case "and":
            return left.__bool__().value ? this.evaluate(node.right, environment) : left;
          case "or":
            return left.__bool__().value ? left : this.evaluate(node.right, environment);
        }
        const right = this.evaluate(node.right, environment);
        switch (node.operator.value) {
          case "==":
            return new BooleanValue(left.value == right.value);
          case "!=":
            return new BooleanValue(left.value != right.value);
        }
        if (left instanceof UndefinedValue || right instanceof UndefinedValue) {
          if (right instanceof UndefinedValue && ["in", "not in"].includes(node.operator.value)) {
            return new BooleanValue(node.operator.value === "not in");
          }
          throw new Error(`Cannot perform operation ${node.operator.value} on undefined values`);
        } else if (left instanceof NullValue || right instanceof NullValue) {
          throw new Error("Cannot perform operation on null values");
        } else if (node.operator.value === "~") {
          return new StringValue(left.value.toString() + right.value.toString());
        } else if (node.operator.value === "**" && isNumericLikeValue(left) && isNumericLikeValue(right)) {
          const a = getNumericValue(left);
          const b = getNumericValue(right);
          if (a === 0 && b < 0) {
            throw new Error("0.0 cannot be raised to a negative power");
          }
          const result = a ** b;
          if (!Number.isFinite(result)) {
            throw new Error("Exponentiation result is not a finite real number");
          }
          const isFloat = left instanceof FloatValue || right instanceof FloatValue || b < 0;
          return isFloat ? new FloatValue(result) : new IntegerValue(result);
        } else if ((left instanceof IntegerValue || left instanceof FloatValue) && (right instanceof IntegerValue || right instanceof FloatValue)) {
          const a = left.value, b = right.value;
          switch (node.operator.value) {
            case "+":
            case "-":
            case "*": {
              const res = node.operator.value === "+" ? a + b : node.operator.value === "-" ? a - b : a * b;
              const isFloat = left instanceof FloatValue || right instanceof FloatValue;
              return isFloat ? new FloatValue(res) : new IntegerValue(res);
            }
            case "/":
              return new FloatValue(a / b);
            case "//": {
              const res = Math.floor(a / b);
              const isFloat = left instanceof FloatValue || right instanceof FloatValue;
              return isFloat ? new FloatValue(res) : new IntegerValue(res);
            }
            case "%": {
              const rem = a % b;
              const isFloat = left instanceof FloatValue || right instanceof FloatValue;
              return isFloat ? new FloatValue(rem) : new IntegerValue(rem);
            }
            case "<":
              return new BooleanValue(a < b);
            case ">":
              return new BooleanValue(a > b);
            case ">=":
              return new BooleanValue(a >= b);
            case "<=":
              return new BooleanValue(a <= b);
          }
        } else if (left instanceof ArrayValue && right instanceof ArrayValue) {
          switch (node.operator.value) {
            case "+":
              return new ArrayValue(left.value.concat(right.value));
          }
        } else if (right instanceof ArrayValue) {
          const member = right.value.find((x) => x.value === left.value) !== void 0;
          switch (node.operator.value) {
            case "in":
              return new BooleanValue(member);
            case "not in":
              return new BooleanValue(!member);
          }
        }
        if (left instanceof StringValue || right instanceof StringValue) {
          switch (node.operator.value) {
            case "+":
              return new StringValue(left.value.toString() + right.value.toString());
          }
        }
        if (left instanceof StringValue && right instanceof StringValue) {
          switch (node.operator.value) {
            case "in":
              return new BooleanValue(right.value.includes(left.value));
            case "not in":
              return new BooleanValue(!right.value.includes(left.value));
          }
        }
        if (left instanceof StringValue && right instanceof ObjectValue) {
          switch (node.operator.value) {
            case "in":
              return new BooleanValue(right.value.has(left.value));
            case "not in":
              return new BooleanValue(!right.value.has(left.value));
          }
        }
        throw new SyntaxError(`Unknown operator "${node.operator.value}" between ${left.type} and ${right.type}`);
      }
      evaluateArguments(args, environment) {
        const positionalArguments = [];
        const keywordArguments = /* @__PURE__ */ new Map();
        const addKeywordArgument = (key, value) => {
          if (keywordArguments.has(key)) {
            throw new Error(`Got multiple values for keyword argument '${key}'`);
          }
          keywordArguments.set(key, value);
        };
        for (const argument of args) {
          if (argument.type === "SpreadExpression") {
            const spreadNode = argument;
            const val = this.evaluate(spreadNode.argument, environment);
            if (!(val instanceof ArrayValue)) {
              throw new Error(`Cannot unpack non-iterable type: ${val.type}`);
            }
            for (const item of val.value) {
              positionalArguments.push(item);
            }
          } else if (argument.type !== "KeywordArgumentExpression" && argument.type !== "KeywordSpreadExpression") {
            positionalArguments.push(this.evaluate(argument, environment));
          }
        }
        for (const argument of args) {
          if (argument.type === "KeywordArgumentExpression") {
            const kwarg = argument;
            addKeywordArgument(kwarg.key.value, this.evaluate(kwarg.value, environment));
          } else if (argument.type === "KeywordSpreadExpression") {
            const spreadNode = argument;
            const val = this.evaluate(spreadNode.argument, environment);
            if (!(val instanceof ObjectValue)) {
              throw new Error(`Argument after ** must be a mapping, not ${val.type}`);
            }
            for (const [key, value] of val.value) {
              addKeywordArgument(key, value);
            }
          }
        }
        return [positionalArguments, keywordArguments];
      }
      applyFilter(operand, filterNode, environment) {
        if (filterNode.type === "Identifier") {
          const filter = filterNode;
          if (filter.value === "safe") {
            return operand;
          }
          if (filter.value === "tojson") {
            return new StringValue(toJSON(operand, {}));
          }
          if (operand instanceof ArrayValue) {
            switch (filter.value) {
              case "list":
                return operand;
              case "first":
                return operand.value[0];
              case "last":
                return operand.value[operand.value.length - 1];
              case "length":
                return new IntegerValue(operand.value.length);
              case "reverse":
                return new ArrayValue(operand.value.slice().reverse());
              case "sort": {
                return new ArrayValue(operand.value.slice().sort((a, b) => compareRuntimeValues(a, b, false)));
              }
              case "join":
                return new StringValue(operand.value.map((x) => x.value).join(""));
              case "string":
                return new StringValue(toJSON(operand, {}, 0, false));
              case "unique": {
                const seen = /* @__PURE__ */ new Set();
                const output = [];
                for (const item of operand.value) {
                  if (!seen.has(item.value)) {
                    seen.add(item.value);
                    output.push(item);
                  }
                }
                return new ArrayValue(output);
              }
              default:
                throw new Error(`Unknown ArrayValue filter: ${filter.value}`);
            }
          } else if (operand instanceof StringValue) {
            switch (filter.value) {
              case "length":
              case "upper":
              case "lower":
              case "title":
              case "capitalize": {
                const builtin = operand.builtins.get(filter.value);
                if (builtin instanceof FunctionValue) {
                  return builtin.value(
                    /* no arguments */
                    [],
                    environment
                  );
                } else if (builtin instanceof IntegerValue) {
                  return builtin;
                } else {
                  throw new Error(`Unknown StringValue filter: ${filter.value}`);
                }
              }
              case "trim":
                return new StringValue(operand.value.trim());
              case "indent":
                return new StringValue(
                  operand.value.split("\n").map(
                    (x, i) => (
                      // By default, don't indent the first line or empty lines
                      i === 0 || x.length === 0 ? x : "    " + x
                    )
                  ).join("\n")
                );
              case "join":
              case "string":
                return operand;
              case "int": {
                const val = parseInt(operand.value, 10);
                return new IntegerValue(isNaN(val) ? 0 : val);
              }
              case "float": {
                const val = parseFloat(operand.value);
                return new FloatValue(isNaN(val) ? 0 : val);
              }
              default:
                throw new Error(`Unknown StringValue filter: ${filter.value}`);
            }
          } else if (operand instanceof IntegerValue || operand instanceof FloatValue) {
            switch (filter.value) {
              case "abs":
                return operand instanceof IntegerValue ? new IntegerValue(Math.abs(operand.value)) : new FloatValue(Math.abs(operand.value));
              case "int":
                return new IntegerValue(Math.floor(operand.value));
              case "float":
                return new FloatValue(operand.value);
              case "string":
                return new StringValue(operand.toString());
              default:
                throw new Error(`Unknown NumericValue filter: ${filter.value}`);
            }
          } else if (operand instanceof ObjectValue) {
            switch (filter.value) {
              case "items":
                return new ArrayValue(
                  Array.from(operand.value.entries()).map(([key, value]) => new ArrayValue([new StringValue(key), value]))
                );
              case "length":
                return new IntegerValue(operand.value.size);
              default: {
                const builtin = operand.builtins.get(filter.value);
                if (builtin) {
                  if (builtin instanceof FunctionValue) {
                    return builtin.value([], environment);
                  }
                  return builtin;
                }
                throw new Error(`Unknown ObjectValue filter: ${filter.value}`);
              }
            }
          } else if (operand instanceof BooleanValue) {
            switch (filter.value) {
              case "bool":
                return new BooleanValue(operand.value);
              case "int":
                return new IntegerValue(operand.value ? 1 : 0);
              case "float":
                return new FloatValue(operand.value ? 1 : 0);
              case "string":
                return new StringValue(operand.value ? "true" : "false");
              default:
                throw new Error(`Unknown BooleanValue filter: ${filter.value}`);
            }
          }
          throw new Error(`Cannot apply filter "${filter.value}" to type: ${operand.type}`);
        } else if (filterNode.type === "CallExpression") {
          const filter = filterNode;
          if (filter.callee.type !== "Identifier") {
            throw new Error(`Unknown filter: ${filter.callee.type}`);
          }
          const filterName = filter.callee.value;
          if (filterName === "tojson") {
            const [, kwargs] = this.evaluateArguments(filter.args, environment);
            const indent = kwargs.get("indent") ?? new NullValue();
            if (!(indent instanceof IntegerValue || indent instanceof NullValue)) {
              throw new Error("If set, indent must be a number");
            }
            const ensureAscii = kwargs.get("ensure_ascii") ?? new BooleanValue(false);
            if (!(ensureAscii instanceof BooleanValue)) {
              throw new Error("If set, ensure_ascii must be a boolean");
            }
            const sortKeys = kwargs.get("sort_keys") ?? new BooleanValue(false);
            if (!(sortKeys instanceof BooleanValue)) {
              throw new Error("If set, sort_keys must be a boolean");
            }
            const separatorsArg = kwargs.get("separators") ?? new NullValue();
            let separators = null;
            if (separatorsArg instanceof ArrayValue || separatorsArg instanceof TupleValue) {
              if (separatorsArg.value.length !== 2) {
                throw new Error("separators must be a tuple of two strings");
              }
              const [itemSep, keySep] = separatorsArg.value;
              if (!(itemSep instanceof StringValue) || !(keySep instanceof StringValue)) {
                throw new Error("separators must be a tuple of two strings");
              }
              separators = [itemSep.value, keySep.value];
            } else if (!(separatorsArg instanceof NullValue)) {
              throw new Error("If set, separators must be a tuple of two strings");
            }
            return new StringValue(
              toJSON(operand, {
                indent: indent.value,
                ensureAscii: ensureAscii.value,
                sortKeys: sortKeys.value,
                separators
              })
            );
          } else if (filterName === "join") {
            let value;
            if (operand instanceof StringValue) {
              value = Array.from(operand.value);
            } else if (operand instanceof ArrayValue) {
              value = operand.value.map((x) => x.value);
            } else {
              throw new Error(`Cannot apply filter "${filterName}" to type: ${operand.type}`);
            }
            const [args, kwargs] = this.evaluateArguments(filter.args, environment);
            const separator = args.at(0) ?? kwargs.get("separator") ?? new StringValue("");
            if (!(separator instanceof StringValue)) {
              throw new Error("separator must be a string");
            }
            return new StringValue(value.join(separator.value));
          } else if (filterName === "int" || filterName === "float") {
            const [args, kwargs] = this.evaluateArguments(filter.args, environment);
            const defaultValue = args.at(0) ?? kwargs.get("default") ?? (filterName === "int" ? new IntegerValue(0) : new FloatValue(0));
            if (operand instanceof StringValue) {
              const val = filterName === "int" ? parseInt(operand.value, 10) : parseFloat(operand.value);
              return isNaN(val) ? defaultValue : filterName === "int" ? new IntegerValue(val) : new FloatValue(val);
            } else if (operand instanceof IntegerValue || operand instanceof FloatValue) {
              return operand;
            } else if (operand instanceof BooleanValue) {
              return filterName === "int" ? new IntegerValue(operand.value ? 1 : 0) : new FloatValue(operand.value ? 1 : 0);
            } else {
              throw new Error(`Cannot apply filter "${filterName}" to type: ${operand.type}`);
            }
          } else if (filterName === "default") {
            const [args, kwargs] = this.evaluateArguments(filter.args, environment);
            const defaultValue = args[0] ?? new StringValue("");
            const booleanValue = args[1] ?? kwargs.get("boolean") ?? new BooleanValue(false);
            if (!(booleanValue instanceof BooleanValue)) {
              throw new Error("`default` filter flag must be a boolean");
            }
            if (operand instanceof UndefinedValue || booleanValue.value && !operand.__bool__().value) {
              return defaultValue;
            }
            return operand;
          }
          if (operand instanceof ArrayValue) {
            switch (filterName) {
              case "sort": {
                const [args, kwargs] = this.evaluateArguments(filter.args, environment);
                const reverse = args.at(0) ?? kwargs.get("reverse") ?? new BooleanValue(false);
                if (!(reverse instanceof BooleanValue)) {
                  throw new Error("reverse must be a boolean");
                }
                const caseSensitive = args.at(1) ?? kwargs.get("case_sensitive") ?? new BooleanValue(false);
                if (!(caseSensitive instanceof BooleanValue)) {
                  throw new Error("case_sensitive must be a boolean");
                }
                const attribute = args.at(2) ?? kwargs.get("attribute") ?? new NullValue();
                if (!(attribute instanceof StringValue || attribute instanceof IntegerValue || attribute instanceof NullValue)) {
                  throw new Error("attribute must be a string, integer, or null");
                }
                const getSortValue = (item) => {
                  if (attribute instanceof NullValue) {
                    return item;
                  }
                  const attrPath = attribute instanceof IntegerValue ? String(attribute.value) : attribute.value;
                  return getAttributeValue(item, attrPath);
                };
                return new ArrayValue(
                  operand.value.slice().sort((a, b) => {
                    const aVal = getSortValue(a);
                    const bVal = getSortValue(b);
                    const result = compareRuntimeValues(aVal, bVal, caseSensitive.value);
                    return reverse.value ? -result : result;
                  })
                );
              }
              case "selectattr":
              case "rejectattr": {
                const select = filterName === "selectattr";
                if (operand.value.some((item) => !isAttributeContainer(item))) {
                  throw new Error(`\`${filterName}\` can only be applied to array of objects`);
                }
                if (filter.args.some((x) => x.type !== "StringLiteral")) {
                  throw new Error(`arguments of \`${filterName}\` must be strings`);
                }
                const [attr, testName, value] = filter.args.map((x) => this.evaluate(x, environment));
                let testFunction;
                if (testName) {
                  const test = environment.tests.get(testName.value);
                  if (!test) {
                    throw new Error(`Unknown test: ${testName.value}`);
                  }
                  testFunction = test;
                } else {
                  testFunction = (...x) => x[0].__bool__().value;
                }
                const filtered = operand.value.filter((item) => {
                  const a = item.value.get(attr.value);
                  const result = a ? testFunction(a, value) : false;
                  return select ? result : !result;
                });
                return new ArrayValue(filtered);
              }
              case "map": {
                const [, kwargs] = this.evaluateArguments(filter.args, environment);
                if (kwargs.has("attribute")) {
                  const attr = kwargs.get("attribute");
                  if (!(attr instanceof StringValue)) {
                    throw new Error("attribute must be a string");
                  }
                  const defaultValue = kwargs.get("default");
                  const mapped = operand.value.map((item) => {
                    if (!isAttributeContainer(item)) {
                      throw new Error("items in map must be an object");
                    }
                    const value = getAttributeValue(item, attr.value);
                    return value instanceof UndefinedValue ? defaultValue ?? new UndefinedValue() : value;
                  });
                  return new ArrayValue(mapped);
                } else {
                  throw new Error("`map` expressions without `attribute` set are not currently supported.");
                }
              }
            }
            throw new Error(`Unknown ArrayValue filter: ${filterName}`);
          } else if (operand instanceof StringValue) {
            switch (filterName) {
              case "indent": {
                const [args, kwargs] = this.evaluateArguments(filter.args, environment);
                const width = args.at(0) ?? kwargs.get("width") ?? new IntegerValue(4);
                if (!(width instanceof IntegerValue)) {
                  throw new Error("width must be a number");
                }
                const first = args.at(1) ?? kwargs.get("first") ?? new BooleanValue(false);
                const blank = args.at(2) ?? kwargs.get("blank") ?? new BooleanValue(false);
                const lines = operand.value.split("\n");
                const indent = " ".repeat(width.value);
                const indented = lines.map(
                  (x, i) => !first.value && i === 0 || !blank.value && x.length === 0 ? x : indent + x
                );
                return new StringValue(indented.join("\n"));
              }
              case "replace": {
                const replaceFn = operand.builtins.get("replace");
                if (!(replaceFn instanceof FunctionValue)) {
                  throw new Error("replace filter not available");
                }
                const [args, kwargs] = this.evaluateArguments(filter.args, environment);
                return replaceFn.value([...args, new KeywordArgumentsValue(kwargs)], environment);
              }
            }
            throw new Error(`Unknown StringValue filter: ${filterName}`);
          } else if (operand instanceof ObjectValue) {
            const builtin = operand.builtins.get(filterName);
            if (builtin && builtin instanceof FunctionValue) {
              const [args, kwargs] = this.evaluateArguments(filter.args, environment);
              if (kwargs.size > 0) {
                args.push(new KeywordArgumentsValue(kwargs));
              }
              return builtin.value(args, environment);
            }
            throw new Error(`Unknown ObjectValue filter: ${filterName}`);
          } else {
            throw new Error(`Cannot apply filter "${filterName}" to type: ${operand.type}`);
          }
        }
        throw new Error(`Unknown filter: ${filterNode.type}`);
      }
      /**
       * Evaluates expressions following the filter operation type.
       */
      evaluateFilterExpression(node, environment) {
        const operand = this.evaluate(node.operand, environment);
        return this.applyFilter(operand, node.filter, environment);
      }
      /**
       * Evaluates expressions following the test operation type.
       */
      evaluateTestExpression(node, environment) {
        const operand = this.evaluate(node.operand, environment);
        const test = environment.tests.get(node.test.value);
        if (!test) {
          throw new Error(`Unknown test: ${node.test.value}`);
        }
        const result = test(operand);
        return new BooleanValue(node.negate ? !result : result);
      }
      /**
       * Evaluates expressions following the select operation type.
       */
      evaluateSelectExpression(node, environment) {
        const predicate = this.evaluate(node.test, environment);
        if (!predicate.__bool__().value) {
          return new UndefinedValue();
        }
        return this.evaluate(node.lhs, environment);
      }
      /**
       * Evaluates expressions following the unary operation type.
       */
      evaluateUnaryExpression(node, environment) {
        const argument = this.evaluate(node.argument, environment);
        switch (node.operator.value) {
          case "not":
            return new BooleanValue(!argument.__bool__().value);
          case "+":
          case "-": {
            const sign = node.operator.value === "-" ? -1 : 1;
            if (argument instanceof IntegerValue || argument instanceof FloatValue || argument instanceof BooleanValue) {
              const value = argument instanceof BooleanValue ? argument.value ? 1 : 0 : argument.value;
              const result = sign * value;
              return argument instanceof FloatValue ? new FloatValue(result) : new IntegerValue(result);
            }
            throw new SyntaxError(`Unknown operator "${node.operator.value}" for ${argument.type}`);
          }
          default:
            throw new SyntaxError(`Unknown operator: ${node.operator.value}`);
        }
      }
      evaluateTernaryExpression(node, environment) {
        const cond = this.evaluate(node.condition, environment);
        return cond.__bool__().value ? this.evaluate(node.trueExpr, environment) : this.evaluate(node.falseExpr, environment);
      }
      evalProgram(program, environment) {
        return this.evaluateBlock(program.body, environment);
      }
      evaluateBlock(statements, environment) {
        let result = "";
        for (const statement of statements) {
          const lastEvaluated = this.evaluate(statement, environment);
          if (lastEvaluated.type !== "NullValue" && lastEvaluated.type !== "UndefinedValue") {
            result += lastEvaluated.toString();
          }
        }
        return new StringValue(result);
      }
      evaluateIdentifier(node, environment) {
        return environment.lookupVariable(node.value);
      }
      evaluateCallExpression(expr, environment) {
        const [args, kwargs] = this.evaluateArguments(expr.args, environment);
        if (kwargs.size > 0) {
          args.push(new KeywordArgumentsValue(kwargs));
        }
        const fn = this.evaluate(expr.callee, environment);
        if (fn.type !== "FunctionValue") {
          throw new Error(`Cannot call something that is not a function: got ${fn.type}`);
        }
        return fn.value(args, environment);
      }
      evaluateSliceExpression(object, expr, environment) {
        if (!(object instanceof ArrayValue || object instanceof StringValue)) {
          throw new Error("Slice object must be an array or string");
        }
        const start = this.evaluate(expr.start, environment);
        const stop = this.evaluate(expr.stop, environment);
        const step = this.evaluate(expr.step, environment);
        if (!(start instanceof IntegerValue || start instanceof UndefinedValue)) {
          throw new Error("Slice start must be numeric or undefined");
        }
        if (!(stop instanceof IntegerValue || stop instanceof UndefinedValue)) {
          throw new Error("Slice stop must be numeric or undefined");
        }
        if (!(step instanceof IntegerValue || step instanceof UndefinedValue)) {
          throw new Error("Slice step must be numeric or undefined");
        }
        if (object instanceof ArrayValue) {
          return new ArrayValue(slice(object.value, start.value, stop.value, step.value));
        } else {
          return new StringValue(slice(Array.from(object.value), start.value, stop.value, step.value).join(""));
        }
      }
      evaluateMemberExpression(expr, environment) {
        const object = this.evaluate(expr.object, environment);
        let property;
        if (expr.computed) {
          if (expr.property.type === "SliceExpression") {
            return this.evaluateSliceExpression(object, expr.property, environment);
          } else {
            property = this.evaluate(expr.property, environment);
          }
        } else if (expr.property.type === "IntegerLiteral") {
          property = new IntegerValue(expr.property.value);
        } else {
          property = new StringValue(expr.property.value);
        }
        let value;
        if (isAttributeContainer(object)) {
          if (!(property instanceof StringValue)) {
            throw new Error(`Cannot access property with non-string: got ${property.type}`);
          }
          value = object.value.get(property.value) ?? (object instanceof ObjectValue ? object.builtins.get(property.value) : void 0);
        } else if (object instanceof ArrayValue || object instanceof StringValue) {
          if (property instanceof IntegerValue) {
            if (object instanceof StringValue) {
              const character = object.value.at(property.value);
              value = character === void 0 ? void 0 : new StringValue(character);
            } else {
              value = object.value.at(property.value);
            }
          } else if (property instanceof StringValue) {
            value = object.builtins.get(property.value);
          } else {
            throw new Error(`Cannot access property with non-string/non-number: got ${property.type}`);
          }
        } else {
          if (!(property instanceof StringValue)) {
            throw new Error(`Cannot access property with non-string: got ${property.type}`);
          }
          value = object.builtins.get(property.value);
        }
        return value instanceof RuntimeValue ? value : new UndefinedValue();
      }
      evaluateSet(node, environment) {
        const rhs = node.value ? this.evaluate(node.value, environment) : this.evaluateBlock(node.body, environment);
        if (node.assignee.type === "Identifier") {
          const variableName = node.assignee.value;
          environment.setVariable(variableName, rhs);
        } else if (node.assignee.type === "TupleLiteral") {
          const tuple = node.assignee;
          if (!(rhs instanceof ArrayValue)) {
            throw new Error(`Cannot unpack non-iterable type in set: ${rhs.type}`);
          }
          const arr = rhs.value;
          if (arr.length !== tuple.value.length) {
            throw new Error(`Too ${tuple.value.length > arr.length ? "few" : "many"} items to unpack in set`);
          }
          for (let i = 0; i < tuple.value.length; ++i) {
            const elem = tuple.value[i];
            if (elem.type !== "Identifier") {
              throw new Error(`Cannot unpack to non-identifier in set: ${elem.type}`);
            }
            environment.setVariable(elem.value, arr[i]);
          }
        } else if (node.assignee.type === "MemberExpression") {
          const member = node.assignee;
          const object = this.evaluate(member.object, environment);
          if (!(object instanceof NamespaceValue)) {
            throw new Error("cannot assign attribute on non-namespace object");
          }
          if (member.property.type !== "Identifier") {
            throw new Error("Cannot assign to member with non-identifier property");
          }
          object.value.set(member.property.value, rhs);
        } else {
          throw new Error(`Invalid LHS inside assignment expression: ${JSON.stringify(node.assignee)}`);
        }
        return new NullValue();
      }
      evaluateIf(node, environment) {
        const test = this.evaluate(node.test, environment);
        return this.evaluateBlock(test.__bool__().value ? node.body : node.alternate, environment);
      }
      evaluateFor(node, environment) {
        const scope = new Environment(environment);
        let test, iterable;
        if (node.iterable.type === "SelectExpression") {
          const select = node.iterable;
          iterable = this.evaluate(select.lhs, scope);
          test = select.test;
        } else {
          iterable = this.evaluate(node.iterable, scope);
        }
        if (!(iterable instanceof ArrayValue || iterable instanceof ObjectValue)) {
          throw new Error(`Expected iterable or object type in for loop: got ${iterable.type}`);
        }
        if (iterable instanceof ObjectValue) {
          iterable = iterable.keys();
        }
        const items = [];
        const scopeUpdateFunctions = [];
        for (let i = 0; i < iterable.value.length; ++i) {
          const loopScope = new Environment(scope);
          const current = iterable.value[i];
          let scopeUpdateFunction;
          if (node.loopvar.type === "Identifier") {
            scopeUpdateFunction = (scope2) => scope2.setVariable(node.loopvar.value, current);
          } else if (node.loopvar.type === "TupleLiteral") {
            const loopvar = node.loopvar;
            if (current.type !== "ArrayValue") {
              throw new Error(`Cannot unpack non-iterable type: ${current.type}`);
            }
            const c = current;
            if (loopvar.value.length !== c.value.length) {
              throw new Error(`Too ${loopvar.value.length > c.value.length ? "few" : "many"} items to unpack`);
            }
            scopeUpdateFunction = (scope2) => {
              for (let j = 0; j < loopvar.value.length; ++j) {
                if (loopvar.value[j].type !== "Identifier") {
                  throw new Error(`Cannot unpack non-identifier type: ${loopvar.value[j].type}`);
                }
                scope2.setVariable(loopvar.value[j].value, c.value[j]);
              }
            };
          } else {
            throw new Error(`Invalid loop variable(s): ${node.loopvar.type}`);
          }
          if (test) {
            scopeUpdateFunction(loopScope);
            const testValue = this.evaluate(test, loopScope);
            if (!testValue.__bool__().value) {
              continue;
            }
          }
          items.push(current);
          scopeUpdateFunctions.push(scopeUpdateFunction);
        }
        let result = "";
        let noIteration = true;
        for (let i = 0; i < items.length; ++i) {
          const loop = /* @__PURE__ */ new Map([
            ["index", new IntegerValue(i + 1)],
            ["index0", new IntegerValue(i)],
            ["revindex", new IntegerValue(items.length - i)],
            ["revindex0", new IntegerValue(items.length - i - 1)],
            ["first", new BooleanValue(i === 0)],
            ["last", new BooleanValue(i === items.length - 1)],
            ["length", new IntegerValue(items.length)],
            ["previtem", i > 0 ? items[i - 1] : new UndefinedValue()],
            ["nextitem", i < items.length - 1 ? items[i + 1] : new UndefinedValue()]
          ]);
          scope.setVariable("loop", new ObjectValue(loop));
          scopeUpdateFunctions[i](scope);
          try {
            const evaluated = this.evaluateBlock(node.body, scope);
            result += evaluated.value;
          } catch (err) {
            if (err instanceof ContinueControl) {
              continue;
            }
            if (err instanceof BreakControl) {
              break;
            }
            throw err;
          }
          noIteration = false;
        }
        if (noIteration) {
          const defaultEvaluated = this.evaluateBlock(node.defaultBlock, scope);
          result += defaultEvaluated.value;
        }
        return new StringValue(result);
      }
      /**
       * Bind every parameter name and special argument before evaluating defaults,
       * preventing unbound parameters from resolving in an outer scope.
       */
      bindMacroArguments(displayName, parameters, specialArguments, args, scope) {
        const positionalArguments = args.slice();
        let keywordArguments = /* @__PURE__ */ new Map();
        if (positionalArguments.at(-1) instanceof KeywordArgumentsValue) {
          keywordArguments = new Map(positionalArguments.pop().value);
        }
        const pendingDefaults = [];
        for (let i = 0; i < parameters.length; ++i) {
          const { name, defaultValue } = getParameterDescriptor(parameters[i]);
          let value = positionalArguments[i];
          if (value === void 0 && keywordArguments.has(name)) {
            value = keywordArguments.get(name);
            keywordArguments.delete(name);
          }
          if (value === void 0 && defaultValue !== void 0) {
            pendingDefaults.push([name, defaultValue]);
          }
          scope.setVariable(name, value ?? new UndefinedValue());
        }
        if (specialArguments.has("kwargs")) {
          scope.setVariable("kwargs", new ObjectValue(keywordArguments));
        } else if (keywordArguments.size > 0) {
          throw new Error(`macro ${displayName} takes no keyword argument '${keywordArguments.keys().next().value}'`);
        }
        if (specialArguments.has("varargs")) {
          scope.setVariable("varargs", new ArrayValue(positionalArguments.slice(parameters.length)));
        } else if (positionalArguments.length > parameters.length) {
          throw new Error(`macro ${displayName} takes not more than ${parameters.length} argument(s)`);
        }
        for (const [name, defaultValue] of pendingDefaults) {
          scope.setVariable(name, this.evaluate(defaultValue, scope));
        }
      }
      /**
       * See https://jinja.palletsprojects.com/en/3.1.x/templates/#macros for more information.
       */
      evaluateMacro(node, environment) {
        const specialArguments = findAccessedSpecialMacroArguments(node.args, node.body);
        environment.setVariable(
          node.name.value,
          new FunctionValue((args, scope) => {
            const macroScope = new Environment(scope);
            this.bindMacroArguments(`'${node.name.value}'`, node.args, specialArguments, args, macroScope);
            return this.evaluateBlock(node.body, macroScope);
          })
        );
        return new NullValue();
      }
      evaluateCallStatement(node, environment) {
        const parameters = node.callerArgs ?? [];
        const specialArguments = findAccessedSpecialMacroArguments(parameters, node.body);
        const callerFn = new FunctionValue((callerArguments) => {
          const callBlockEnv = new Environment(environment);
          this.bindMacroArguments("None", parameters, specialArguments, callerArguments, callBlockEnv);
          return this.evaluateBlock(node.body, callBlockEnv);
        });
        const [macroArgs, macroKwargs] = this.evaluateArguments(node.call.args, environment);
        macroArgs.push(new KeywordArgumentsValue(macroKwargs));
        const fn = this.evaluate(node.call.callee, environment);
        if (fn.type !== "FunctionValue") {
          throw new Error(`Cannot call something that is not a function: got ${fn.type}`);
        }
        const newEnv = new Environment(environment);
        newEnv.setVariable("caller", callerFn);
        return fn.value(macroArgs, newEnv);
      }
      evaluateFilterStatement(node, environment) {
        const rendered = this.evaluateBlock(node.body, environment);
        return this.applyFilter(rendered, node.filter, environment);
      }
      evaluate(statement, environment) {
        if (!statement) {
          return new UndefinedValue();
        }
        switch (statement.type) {
          case "Program":
            return this.evalProgram(statement, environment);
          case "Set":
            return this.evaluateSet(statement, environment);
          case "If":
            return this.evaluateIf(statement, environment);
          case "For":
            return this.evaluateFor(statement, environment);
          case "Macro":
            return this.evaluateMacro(statement, environment);
          case "CallStatement":
            return this.evaluateCallStatement(statement, environment);
          case "Break":
            throw new BreakControl();
          case "Continue":
            throw new ContinueControl();
          case "IntegerLiteral":
            return new IntegerValue(statement.value);
          case "FloatLiteral":
            return new FloatValue(statement.value);
          case "StringLiteral":
            return new StringValue(statement.value);
          case "ArrayLiteral":
            return new ArrayValue(statement.value.map((x) => this.evaluate(x, environment)));
          case "TupleLiteral":
            return new TupleValue(statement.value.map((x) => this.evaluate(x, environment)));
          case "ObjectLiteral": {
            const mapping = /* @__PURE__ */ new Map();
            for (const [key, value] of statement.value) {
              const evaluatedKey = this.evaluate(key, environment);
              if (!(evaluatedKey instanceof StringValue)) {
                throw new Error(`Object keys must be strings: got ${evaluatedKey.type}`);
              }
              mapping.set(evaluatedKey.value, this.evaluate(value, environment));
            }
            return new ObjectValue(mapping);
          }
          case "Identifier":
            return this.evaluateIdentifier(statement, environment);
          case "CallExpression":
            return this.evaluateCallExpression(statement, environment);
          case "MemberExpression":
            return this.evaluateMemberExpression(statement, environment);
          case "UnaryExpression":
            return this.evaluateUnaryExpression(statement, environment);
          case "BinaryExpression":
            return this.evaluateBinaryExpression(statement, environment);
          case "FilterExpression":
            return this.evaluateFilterExpression(statement, environment);
          case "FilterStatement":
            return this.evaluateFilterStatement(statement, environment);
          case "TestExpression":
            return this.evaluateTestExpression(statement, environment);
          case "SelectExpression":
            return this.evaluateSelectExpression(statement, environment);
          case "Ternary":
            return this.evaluateTernaryExpression(statement, environment);
          case "Comment":
            return new NullValue();
          default:
            throw new SyntaxError(`Unknown node type: ${statement.type}`);
        }
      }
    };
    function convertToRuntimeValues(input) {
      switch (typeof input) {
        case "number":
          return Number.isInteger(input) ? new IntegerValue(input) : new FloatValue(input);
        case "string":
          return new StringValue(input);
        case "boolean":
          return new BooleanValue(input);
        case "undefined":
          return new UndefinedValue();
        case "object":
          if (input === null) {
            return new NullValue();
          } else if (Array.isArray(input)) {
            return new ArrayValue(input.map(convertToRuntimeValues));
          } else {
            return new ObjectValue(
              new Map(Object.entries(input).map(([key, value]) => [key, convertToRuntimeValues(value)]))
            );
          }
        case "function":
          return new FunctionValue((args, _scope) => {
            const result = input(...args.map((x) => x.value)) ?? null;
            return convertToRuntimeValues(result);
          });
        default:
          throw new Error(`Cannot convert to runtime value: ${input}`);
      }
    }
    var NEWLINE = "\n";
    var OPEN_STATEMENT = "{%- ";
    var CLOSE_STATEMENT = " -%}";
    var PRECEDENCE = Object.freeze({
      CONDITIONAL: 0,
      // a if b else c
      LOGICAL_OR: 1,
      // or
      LOGICAL_AND: 2,
      // and
      LOGICAL_NOT: 3,
      // not a
      COMPARISON: 4,
      // == != < <= > >= in, not in
      ADDITIVE: 5,
      // + -
      MULTIPLICATIVE: 6,
      // * / // %
      EXPONENTIATION: 7,
      // **
      TEST: 8,
      // is
      FILTER: 9,
      // |
      UNARY_SIGN: 10,
      // -a +a
      ATOM: 11
      // literals, identifiers, calls, member accesses
    });
    function getBinaryOperatorPrecedence(expr) {
      switch (expr.operator.type) {
        case "ExponentiationBinaryOperator":
          return PRECEDENCE.EXPONENTIATION;
        case "MultiplicativeBinaryOperator":
          return PRECEDENCE.MULTIPLICATIVE;
        case "AdditiveBinaryOperator":
          return PRECEDENCE.ADDITIVE;
        case "ComparisonBinaryOperator":
          return PRECEDENCE.COMPARISON;
        case "Identifier":
          if (expr.operator.value === "and") {
            return PRECEDENCE.LOGICAL_AND;
          }
          if (expr.operator.value === "in" || expr.operator.value === "not in") {
            return PRECEDENCE.COMPARISON;
          }
          return PRECEDENCE.LOGICAL_OR;
      }
      return PRECEDENCE.LOGICAL_OR;
    }
    function getPrecedence(node) {
      switch (node.type) {
        case "SelectExpression":
        case "Ternary":
          return PRECEDENCE.CONDITIONAL;
        case "BinaryExpression":
          return getBinaryOperatorPrecedence(node);
        case "UnaryExpression":
          return node.operator.value === "not" ? PRECEDENCE.LOGICAL_NOT : PRECEDENCE.UNARY_SIGN;
        case "TestExpression":
          return PRECEDENCE.TEST;
        case "FilterExpression":
          return PRECEDENCE.FILTER;
        default:
          return PRECEDENCE.ATOM;
      }
    }
    function formatOperand(node, minPrecedence) {
      const expr = formatExpression(node);
      return getPrecedence(node) < minPrecedence ? `(${expr})` : expr;
    }
    function format(program, indent = "	") {
      const indentStr = typeof indent === "number" ? " ".repeat(indent) : indent;
      const body = formatStatements(program.body, 0, indentStr);
      return body.replace(/\n$/, "");
    }
    function createStatement(...text) {
      return OPEN_STATEMENT + text.join(" ") + CLOSE_STATEMENT;
    }
    function formatStatements(stmts, depth, indentStr) {
      return stmts.map((stmt) => formatStatement(stmt, depth, indentStr)).join(NEWLINE);
    }
    function formatExpressionList(expressions) {
      return expressions.map((expression) => formatExpression(expression)).join(", ");
    }
    function formatStatement(node, depth, indentStr) {
      const pad = indentStr.repeat(depth);
      switch (node.type) {
        case "Program":
          return formatStatements(node.body, depth, indentStr);
        case "If":
          return formatIf(node, depth, indentStr);
        case "For":
          return formatFor(node, depth, indentStr);
        case "Set":
          return formatSet(node, depth, indentStr);
        case "Macro":
          return formatMacro(node, depth, indentStr);
        case "Break":
          return pad + createStatement("break");
        case "Continue":
          return pad + createStatement("continue");
        case "CallStatement":
          return formatCallStatement(node, depth, indentStr);
        case "FilterStatement":
          return formatFilterStatement(node, depth, indentStr);
        case "Comment":
          return pad + "{# " + node.value + " #}";
        default:
          return pad + "{{- " + formatExpression(node) + " -}}";
      }
    }
    function formatIf(node, depth, indentStr) {
      const pad = indentStr.repeat(depth);
      const clauses = [];
      let current = node;
      while (current) {
        clauses.push({ test: current.test, body: current.body });
        if (current.alternate.length === 1 && current.alternate[0].type === "If") {
          current = current.alternate[0];
        } else {
          break;
        }
      }
      let out = pad + createStatement("if", formatExpression(clauses[0].test)) + NEWLINE + formatStatements(clauses[0].body, depth + 1, indentStr);
      for (let i = 1; i < clauses.length; ++i) {
        out += NEWLINE + pad + createStatement("elif", formatExpression(clauses[i].test)) + NEWLINE + formatStatements(clauses[i].body, depth + 1, indentStr);
      }
      if (current && current.alternate.length > 0) {
        out += NEWLINE + pad + createStatement("else") + NEWLINE + formatStatements(current.alternate, depth + 1, indentStr);
      }
      out += NEWLINE + pad + createStatement("endif");
      return out;
    }
    function formatFor(node, depth, indentStr) {
      const pad = indentStr.repeat(depth);
      let formattedIterable = "";
      if (node.iterable.type === "SelectExpression") {
        const n = node.iterable;
        formattedIterable = `${formatExpression(n.lhs)} if ${formatExpression(n.test)}`;
      } else {
        formattedIterable = formatExpression(node.iterable);
      }
      let out = pad + createStatement("for", formatExpression(node.loopvar), "in", formattedIterable) + NEWLINE + formatStatements(node.body, depth + 1, indentStr);
      if (node.defaultBlock.length > 0) {
        out += NEWLINE + pad + createStatement("else") + NEWLINE + formatStatements(node.defaultBlock, depth + 1, indentStr);
      }
      out += NEWLINE + pad + createStatement("endfor");
      return out;
    }
    function formatSet(node, depth, indentStr) {
      const pad = indentStr.repeat(depth);
      const left = formatExpression(node.assignee);
      const right = node.value ? formatExpression(node.value) : "";
      const value = pad + createStatement("set", `${left}${node.value ? " = " + right : ""}`);
      if (node.body.length === 0) {
        return value;
      }
      return value + NEWLINE + formatStatements(node.body, depth + 1, indentStr) + NEWLINE + pad + createStatement("endset");
    }
    function formatMacro(node, depth, indentStr) {
      const pad = indentStr.repeat(depth);
      const args = formatExpressionList(node.args);
      return pad + createStatement("macro", `${node.name.value}(${args})`) + NEWLINE + formatStatements(node.body, depth + 1, indentStr) + NEWLINE + pad + createStatement("endmacro");
    }
    function formatCallStatement(node, depth, indentStr) {
      const pad = indentStr.repeat(depth);
      const params = node.callerArgs && node.callerArgs.length > 0 ? `(${formatExpressionList(node.callerArgs)})` : "";
      const callExpr = formatExpression(node.call);
      let out = pad + createStatement(`call${params}`, callExpr) + NEWLINE;
      out += formatStatements(node.body, depth + 1, indentStr) + NEWLINE;
      out += pad + createStatement("endcall");
      return out;
    }
    function formatFilterStatement(node, depth, indentStr) {
      const pad = indentStr.repeat(depth);
      const spec = node.filter.type === "Identifier" ? node.filter.value : formatExpression(node.filter);
      let out = pad + createStatement("filter", spec) + NEWLINE;
      out += formatStatements(node.body, depth + 1, indentStr) + NEWLINE;
      out += pad + createStatement("endfilter");
      return out;
    }
    function formatExpression(node) {
      switch (node.type) {
        case "SpreadExpression": {
          const n = node;
          return `*${formatExpression(n.argument)}`;
        }
        case "KeywordSpreadExpression": {
          const n = node;
          return `**${formatExpression(n.argument)}`;
        }
        case "Identifier":
          return node.value;
        case "IntegerLiteral":
          return `${node.value}`;
        case "FloatLiteral": {
          const value = node.value;
          if (Object.is(value, -0)) {
            return "-0.0";
          }
          return value % 1 === 0 ? value.toFixed(1) : value.toString();
        }
        case "StringLiteral":
          return JSON.stringify(node.value);
        case "BinaryExpression": {
          const n = node;
          const thisPrecedence = getBinaryOperatorPrecedence(n);
          const left = formatOperand(n.left, thisPrecedence);
          const right = formatOperand(n.right, thisPrecedence + 1);
          return `${left} ${n.operator.value} ${right}`;
        }
        case "UnaryExpression": {
          const n = node;
          const operandPrecedence = n.argument.type === "UnaryExpression" ? getPrecedence(n) : PRECEDENCE.ATOM;
          return n.operator.value + (n.operator.value === "not" ? " " : "") + formatOperand(n.argument, operandPrecedence);
        }
        case "CallExpression": {
          const n = node;
          const args = formatExpressionList(n.args);
          return `${formatExpression(n.callee)}(${args})`;
        }
        case "MemberExpression": {
          const n = node;
          const obj = formatOperand(n.object, PRECEDENCE.ATOM);
          let prop = formatExpression(n.property);
          if (!n.computed && n.property.type !== "Identifier" && n.property.type !== "IntegerLiteral") {
            prop = `(${prop})`;
          }
          return n.computed ? `${obj}[${prop}]` : `${obj}.${prop}`;
        }
        case "FilterExpression": {
          const n = node;
          const operand = formatOperand(n.operand, PRECEDENCE.FILTER);
          if (n.filter.type === "CallExpression") {
            return `${operand} | ${formatExpression(n.filter)}`;
          }
          return `${operand} | ${n.filter.value}`;
        }
        case "SelectExpression": {
          const n = node;
          return `${formatOperand(n.lhs, PRECEDENCE.LOGICAL_OR)} if ${formatOperand(n.test, PRECEDENCE.LOGICAL_OR)}`;
        }
        case "TestExpression": {
          const n = node;
          return `${formatOperand(n.operand, PRECEDENCE.TEST)} is${n.negate ? " not" : ""} ${n.test.value}`;
        }
        case "ArrayLiteral":
        case "TupleLiteral": {
          const elems = formatExpressionList(node.value);
          const brackets = node.type === "ArrayLiteral" ? "[]" : "()";
          return `${brackets[0]}${elems}${brackets[1]}`;
        }
        case "ObjectLiteral": {
          const entries = Array.from(node.value.entries()).map(
            ([k, v]) => `${formatExpression(k)}: ${formatExpression(v)}`
          );
          return `{${entries.join(", ")}}`;
        }
        case "SliceExpression": {
          const n = node;
          const s = n.start ? formatExpression(n.start) : "";
          const t = n.stop ? formatExpression(n.stop) : "";
          const st = n.step ? `:${formatExpression(n.step)}` : "";
          return `${s}:${t}${st}`;
        }
        case "KeywordArgumentExpression": {
          const n = node;
          return `${n.key.value}=${formatExpression(n.value)}`;
        }
        case "Ternary": {
          const n = node;
          return `${formatOperand(n.trueExpr, PRECEDENCE.LOGICAL_OR)} if ${formatOperand(
            n.condition,
            PRECEDENCE.LOGICAL_OR
          )} else ${formatOperand(n.falseExpr, PRECEDENCE.CONDITIONAL)}`;
        }
        default:
          throw new Error(`Unknown expression type: ${node.type}`);
      }
    }
    var Template2 = class {
      parsed;
      /**
       * @param {string} template The template string
       */
      constructor(template) {
        const tokens = tokenize(template, {
          lstrip_blocks: true,
          trim_blocks: true
        });
        this.parsed = parse2(tokens);
      }
      render(items) {
        const env = new Environment();
        setupGlobals(env);
        if (items) {
          for (const [key, value] of Object.entries(items)) {
            env.set(key, value);
          }
        }
        const interpreter = new Interpreter(env);
        const result = interpreter.run(this.parsed);
        return result.value;
      }
      format(options) {
        return format(this.parsed, options?.indent || "	");
      }
    };
  }
});

// src/cli/commands/fixture.ts
var fixture_exports = {};
__export(fixture_exports, {
  run: () => run
});
var import_promises3 = require("node:fs/promises");
var path2 = __toESM(require("node:path"));
var import_node_util = require("node:util");

// src/core/gguf/ggufPrecheck.ts
var import_promises = require("node:fs/promises");
var path = __toESM(require("node:path"));

// src/core/errors.ts
var MixtralError = class extends Error {
  constructor(message, hint) {
    super(message);
    this.hint = hint;
    this.name = new.target.name;
  }
  hint;
};
var InvalidModelFileError = class extends MixtralError {
};
var InvalidOptionsError = class extends MixtralError {
};
var PromptTemplateError = class extends MixtralError {
};

// src/core/gguf/boundedReader.ts
var HINT_REDOWNLOAD = "The file is damaged or incomplete: re-download the file.";
var HINT_NOT_GGUF = "This is not a GGUF model: choose a .gguf file (for example from TheBloke/Mixtral-8x7B-Instruct-v0.1-GGUF).";
var GgufPrecheckError = class extends InvalidModelFileError {
  constructor(reason, message, hint = HINT_REDOWNLOAD) {
    super(message, hint);
    this.reason = reason;
  }
  reason;
};
var CHUNK = 1 << 20;
var BoundedReader = class {
  constructor(fh, size) {
    this.fh = fh;
    this.size = size;
  }
  fh;
  size;
  buf = Buffer.alloc(0);
  bufStart = 0;
  pos = 0;
  get remaining() {
    return this.size - this.pos;
  }
  truncated(what, needed) {
    return new GgufPrecheckError(
      "truncated",
      `The GGUF header is cut short: ${what} at byte ${this.pos} needs ${needed} bytes but only ${this.remaining} remain in the ${this.size}-byte file.`
    );
  }
  /** Checks that `n` more bytes exist; `n` may be any size (BigInt is compared exactly). */
  require(n, what) {
    if (BigInt(n) > BigInt(this.remaining)) throw this.truncated(what, n);
    return Number(n);
  }
  async take(n, what) {
    this.require(n, what);
    if (this.pos < this.bufStart || this.pos + n > this.bufStart + this.buf.length) {
      const len = Math.min(Math.max(n, CHUNK), this.remaining);
      const b = Buffer.alloc(len);
      const { bytesRead } = await this.fh.read(b, 0, len, this.pos);
      if (bytesRead < n) throw this.truncated(`${what} (the file shrank while being read)`, n);
      this.buf = b.subarray(0, bytesRead);
      this.bufStart = this.pos;
    }
    const off = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(off, off + n);
  }
  skip(n, what) {
    this.pos += this.require(n, what);
  }
  async u8(what) {
    return (await this.take(1, what)).readUInt8(0);
  }
  async u32(what) {
    return (await this.take(4, what)).readUInt32LE(0);
  }
  async i32(what) {
    return (await this.take(4, what)).readInt32LE(0);
  }
  async u64(what) {
    return (await this.take(8, what)).readBigUInt64LE(0);
  }
  async f32(what) {
    return (await this.take(4, what)).readFloatLE(0);
  }
  /** A GGUF string (u64 length + UTF-8), capped at `maxBytes`; `read: false` skips its bytes. */
  async string(what, maxBytes, read = true) {
    const at = this.pos;
    const length = await this.u64(`the length of ${what}`);
    if (length > BigInt(maxBytes)) {
      throw new GgufPrecheckError(
        "string-too-long",
        `The GGUF header declares ${what} of ${length} bytes at byte ${at}, over the ${maxBytes}-byte limit${length > BigInt(this.remaining) ? ` and longer than the rest of the file (${this.remaining} bytes)` : ""}.`
      );
    }
    if (!read) {
      this.skip(length, what);
      return void 0;
    }
    return (await this.take(Number(length), what)).toString("utf8");
  }
};

// src/core/gguf/ggufTypes.ts
var GGUF_MAGIC = 1179993927;
var GGUF_DEFAULT_ALIGNMENT = 32;
var GgufValueType = {
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
  f64: 12
};
var GGUF_SCALAR_SIZE = {
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
  f64: 8
};
function valueTypeName(code) {
  for (const [name, c] of Object.entries(GgufValueType)) if (c === code) return name;
  return void 0;
}
var GGML_TYPES = {
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
  MXFP4: { code: 39, blockSize: 32, typeSize: 17 }
};
function ggmlTypeByCode(code) {
  for (const [name, info] of Object.entries(GGML_TYPES)) if (info.code === code) return { name, info };
  return void 0;
}
function ggmlTensorBytes(type, elements) {
  const t = GGML_TYPES[type];
  return elements / t.blockSize * t.typeSize;
}
var LLAMA_FILE_TYPE_NAMES = {
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
  38: "MXFP4_MOE"
};

// src/core/gguf/ggufPrecheck.ts
var MAX_NAME_BYTES = 63;
var MAX_DIMS = 4;
var INT64_MAX = (1n << 63n) - 1n;
var OLD_EXPERT_TENSOR = /^blk\.(\d+)\.ffn_(gate|up|down)\.(\d+)\.weight$/;
async function precheckGguf(filePath, options = {}) {
  const caps = {
    tensors: options.maxTensorCount ?? 65536,
    kvs: options.maxKvCount ?? 65536,
    stringBytes: options.maxStringBytes ?? 16 << 20,
    arrayLength: options.maxArrayLength ?? 1 << 22,
    arrayDepth: options.maxArrayDepth ?? 3
  };
  let fh;
  try {
    fh = await (0, import_promises.open)(filePath, "r");
  } catch (err) {
    throw new GgufPrecheckError(
      "empty",
      `Cannot open the model file ${filePath}: ${err.message}`,
      "Check the path in mixtral.modelPath, or choose the model again."
    );
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw new GgufPrecheckError("not-gguf", `${filePath} is not a regular file.`, HINT_NOT_GGUF);
    return await parse(new BoundedReader(fh, stat.size), filePath, caps);
  } finally {
    await fh.close();
  }
}
async function parse(r, filePath, caps) {
  const file = path.basename(filePath);
  if (r.size === 0) throw new GgufPrecheckError("empty", `${file} is empty (0 bytes).`, HINT_REDOWNLOAD);
  if (r.size < 4) throw new GgufPrecheckError("truncated", `${file} is only ${r.size} bytes long: too short for a GGUF header.`);
  const magic = await r.u32("the magic");
  if (magic !== GGUF_MAGIC) throw new GgufPrecheckError("not-gguf", `${file} does not start with "GGUF" (${describeMagic(magic)}).`, HINT_NOT_GGUF);
  const version = await r.u32("the version");
  if (version === 50331648 || version === 33554432) {
    throw new GgufPrecheckError("unsupported-version", `${file} is a big-endian GGUF; this machine needs a little-endian one.`, HINT_NOT_GGUF);
  }
  if (version !== 2 && version !== 3) {
    throw new GgufPrecheckError(
      "unsupported-version",
      `${file} is GGUF version ${version}; only versions 2 and 3 are supported.`,
      version === 1 ? "GGUF v1 is obsolete: re-download the file in a current conversion." : HINT_REDOWNLOAD
    );
  }
  const tensorCount = await r.u64("the tensor count");
  const kvCount = await r.u64("the metadata key count");
  if (tensorCount > BigInt(caps.tensors)) {
    throw new GgufPrecheckError("too-many-tensors", `${file} declares ${tensorCount} tensors (limit ${caps.tensors}).`);
  }
  if (kvCount > BigInt(caps.kvs)) {
    throw new GgufPrecheckError("too-many-kv", `${file} declares ${kvCount} metadata keys (limit ${caps.kvs}).`);
  }
  const kept = /* @__PURE__ */ new Map();
  const seen = /* @__PURE__ */ new Set();
  for (let i = 0; i < Number(kvCount); i++) {
    const key = await r.string(`metadata key #${i}`, Math.min(caps.stringBytes, 65535));
    if (seen.has(key)) throw new GgufPrecheckError("bad-metadata", `${file} repeats the metadata key "${key}".`);
    seen.add(key);
    const type = await r.u32(`the type of "${key}"`);
    const value = await readValue(r, key, type, caps, 0, wanted(key));
    if (value !== void 0) kept.set(key, value);
  }
  const alignmentValue = kept.get("general.alignment") ?? GGUF_DEFAULT_ALIGNMENT;
  const alignment = Number(alignmentValue);
  if (typeof alignmentValue !== "number" || alignment === 0 || (alignment & alignment - 1) !== 0) {
    throw new GgufPrecheckError("bad-metadata", `${file} has general.alignment ${String(alignmentValue)}, not a power of two.`);
  }
  const tensors = [];
  const names = /* @__PURE__ */ new Set();
  for (let i = 0; i < Number(tensorCount); i++) {
    const name = await r.string(`the name of tensor #${i}`, caps.stringBytes);
    const bad = (why) => new GgufPrecheckError("bad-tensor", `${file}: tensor "${name.slice(0, 80)}" ${why}.`);
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw bad(`has a name longer than ${MAX_NAME_BYTES} bytes`);
    if (names.has(name)) throw bad("appears twice");
    names.add(name);
    const nDims = await r.u32(`the dimension count of "${name}"`);
    if (nDims < 1 || nDims > MAX_DIMS) throw bad(`has ${nDims} dimensions (1 to ${MAX_DIMS} allowed)`);
    const dims = [];
    for (let d = 0; d < nDims; d++) dims.push(await r.u64(`dimension ${d} of "${name}"`));
    const typeCode = await r.u32(`the type of "${name}"`);
    const offset = await r.u64(`the data offset of "${name}"`);
    const type = ggmlTypeByCode(typeCode);
    if (!type) throw bad(`has unknown tensor type ${typeCode}`);
    let elements = 1n;
    for (const d of dims) {
      if (d > INT64_MAX) throw bad(`has a negative dimension (${d})`);
      elements *= d;
      if (elements > INT64_MAX) throw bad(`has dimensions ${dims.join(" \xD7 ")} whose product overflows 64 bits`);
    }
    if (dims[0] % BigInt(type.info.blockSize) !== 0n) {
      throw bad(`has rows of ${dims[0]} values, not a multiple of ${type.name}'s block of ${type.info.blockSize}`);
    }
    if (offset % BigInt(alignment) !== 0n) throw bad(`has data offset ${offset}, not aligned to ${alignment}`);
    tensors.push({ name, type: type.name, offset, bytes: elements / BigInt(type.info.blockSize) * BigInt(type.info.typeSize) });
  }
  const dataOffset = Math.ceil(r.pos / alignment) * alignment;
  const dataSize = BigInt(r.size) - BigInt(dataOffset);
  if (tensors.length > 0 && dataSize < 0n) throw r.truncated("the padding before the tensor data", dataOffset - r.pos);
  const tensorTypes = {};
  const typeBytes = /* @__PURE__ */ new Map();
  let tensorDataBytes = 0n;
  for (const t of tensors) {
    const end = t.offset + t.bytes;
    if (end > dataSize) {
      const past = t.offset >= dataSize;
      throw new GgufPrecheckError(
        "tensor-out-of-bounds",
        `${file}: tensor "${t.name}" ${past ? `starts at data offset ${t.offset}, past the end of the file` : `needs bytes up to data offset ${end}, but the file ends at ${dataSize}`} (the file is ${r.size} bytes; tensor data starts at byte ${dataOffset}).`,
        past ? HINT_REDOWNLOAD : "The download is incomplete: re-download the file."
      );
    }
    tensorTypes[t.type] = (tensorTypes[t.type] ?? 0) + 1;
    typeBytes.set(t.type, (typeBytes.get(t.type) ?? 0n) + t.bytes);
    tensorDataBytes += t.bytes;
  }
  const arch = typeof kept.get("general.architecture") === "string" ? kept.get("general.architecture") : void 0;
  checkExpertLayout(file, names);
  const num = (key) => {
    const v = kept.get(arch ? `${arch}.${key}` : key);
    return typeof v === "number" ? v : typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : void 0;
  };
  const fileType = kept.get("general.file_type");
  const dominant = [...typeBytes].sort((a, b) => b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0)[0]?.[0];
  const tokens = kept.get("tokenizer.ggml.tokens");
  return {
    filePath,
    fileSize: r.size,
    version,
    tensorCount: tensors.length,
    kvCount: Number(kvCount),
    alignment,
    dataOffset,
    architecture: arch,
    name: typeof kept.get("general.name") === "string" ? kept.get("general.name") : void 0,
    expertCount: num("expert_count"),
    expertUsedCount: num("expert_used_count"),
    contextLength: num("context_length"),
    blockCount: num("block_count"),
    embeddingLength: num("embedding_length"),
    fileTypeName: (typeof fileType === "number" ? LLAMA_FILE_TYPE_NAMES[fileType] : void 0) ?? dominant,
    chatTemplate: typeof kept.get("tokenizer.chat_template") === "string" ? kept.get("tokenizer.chat_template") : void 0,
    vocabSize: typeof tokens === "object" ? tokens.arrayLength : void 0,
    tensorTypes,
    tensorDataBytes: Number(tensorDataBytes)
  };
}
var SUMMARY_KEY = /^(general\.(architecture|name|file_type|alignment)|tokenizer\.chat_template|tokenizer\.ggml\.tokens|[a-z0-9_]+\.(expert_count|expert_used_count|context_length|block_count|embedding_length))$/;
var wanted = (key) => SUMMARY_KEY.test(key);
async function readValue(r, key, type, caps, depth, keep) {
  const name = valueTypeName(type);
  if (name === void 0) {
    throw new GgufPrecheckError("bad-value-type", `The GGUF metadata "${key}" has unknown value type ${type} (at byte ${r.pos - 4}).`);
  }
  if (name === "string") return r.string(`the value of "${key}"`, caps.stringBytes, keep);
  if (name !== "array") return readScalar(r, key, name, keep);
  if (depth >= caps.arrayDepth) {
    throw new GgufPrecheckError("array-too-deep", `The GGUF metadata "${key}" nests arrays more than ${caps.arrayDepth} deep.`);
  }
  const itemType = await r.u32(`the element type of "${key}"`);
  const itemName = valueTypeName(itemType);
  if (itemName === void 0) throw new GgufPrecheckError("bad-value-type", `The GGUF metadata array "${key}" has unknown element type ${itemType}.`);
  const length = await r.u64(`the length of "${key}"`);
  if (length > BigInt(caps.arrayLength)) {
    throw new GgufPrecheckError("array-too-long", `The GGUF metadata array "${key}" declares ${length} elements (limit ${caps.arrayLength}).`);
  }
  const n = Number(length);
  if (itemName !== "string" && itemName !== "array") {
    r.skip(length * BigInt(GGUF_SCALAR_SIZE[itemName]), `the ${n} elements of "${key}"`);
  } else {
    r.require(length * 8n, `the ${n} elements of "${key}"`);
    for (let i = 0; i < n; i++) await readValue(r, `${key}[${i}]`, itemType, caps, depth + 1, false);
  }
  return keep ? { arrayLength: n } : void 0;
}
async function readScalar(r, key, type, keep) {
  const size = GGUF_SCALAR_SIZE[type];
  if (!keep) {
    r.skip(size, `the value of "${key}"`);
    return void 0;
  }
  const b = await r.take(size, `the value of "${key}"`);
  switch (type) {
    case "u8":
    case "bool":
      return b.readUInt8(0);
    case "i8":
      return b.readInt8(0);
    case "u16":
      return b.readUInt16LE(0);
    case "i16":
      return b.readInt16LE(0);
    case "u32":
      return b.readUInt32LE(0);
    case "i32":
      return b.readInt32LE(0);
    case "f32":
      return b.readFloatLE(0);
    case "f64":
      return b.readDoubleLE(0);
    case "u64":
      return b.readBigUInt64LE(0);
    case "i64":
      return b.readBigInt64LE(0);
  }
}
function checkExpertLayout(file, names) {
  for (const name of names) {
    const m = OLD_EXPERT_TENSOR.exec(name);
    if (m && !names.has(`blk.${m[1]}.ffn_${m[2]}_exps.weight`)) {
      throw new GgufPrecheckError(
        "old-expert-layout",
        `${file} stores each Mixtral expert as a separate tensor (${name}), the layout of the first GGUFs from December 2023; the llama.cpp in this extension needs merged expert tensors (blk.${m[1]}.ffn_${m[2]}_exps.weight) and refuses the file ("missing tensor").`,
        "Download a current conversion of the model (re-converted after March 2024), or convert it again with llama.cpp's convert_hf_to_gguf.py."
      );
    }
  }
}
function describeMagic(magic) {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(magic);
  const text = bytes.toString("latin1");
  if (text === "lmgg" || text === "fmgg" || text === "tjgg") return "an old GGML/GGJT model from before GGUF";
  if (text.startsWith("PK")) return "a ZIP archive, e.g. a PyTorch checkpoint";
  if (text.startsWith("{") || text.startsWith("<")) return "a text or HTML file, perhaps an error page saved by a download";
  if (bytes[3] === 0 && bytes.readUInt32LE(0) > 0) return "possibly a safetensors file";
  return `found bytes ${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`;
}

// src/core/gguf/tinyVocab.ts
var MIXTRAL_CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";
var TokenType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 };
var SPM_SPACE = "\u2581";
var WORDS = (
  // English
  "the a an and or not is are was were be been it this that these those of to in on at for with from by as if then else when where what which who why how can could should would will do does did done have has had you your we our they their he she his her i me my us all any some more most many much no yes ok hello hi world here there now new old good great best very just only also than so but about into over out up down first last next each every other same such one two three four five ten time way use used using make made get set see need want like know think answer question explain example code file line lines text word words name names value values result results error errors problem problems fix fixed test tests check run runs call calls write read open close start stop end begin data list item items number numbers string strings user users model models help please thanks sure let here's following below above because function return const let var if else for while do switch case break continue class interface type enum import export default from async await new this self def print lambda yield try catch finally throw throws raise except pass None null undefined true false True False void int float double char bool boolean str number object array map filter reduce length size push pop append len range self main args argv console log printf println std vector include namespace public private protected static final extends implements package module require fn mut impl struct match use pub crate mod trait where sum add sub mul div count index key keys val sort sorted min max abs sqrt math Math JSON parse stringify Promise Error Array Object String Number Map Set foo bar baz tmp temp res req err ctx cfg config options opts path dir src dst input output".split(/\s+/).filter(Boolean)
);
var SYMBOLS = [
  "[INST]",
  "[/INST]",
  "()",
  "();",
  "{}",
  "[]",
  "=>",
  "==",
  "===",
  "!=",
  "!==",
  "<=",
  ">=",
  "->",
  "::",
  "+=",
  "-=",
  "*=",
  "++",
  "--",
  "&&",
  "||",
  "//",
  "/*",
  "*/",
  "**",
  "){",
  ");",
  "},",
  "];",
  '""',
  "''",
  "``",
  "...",
  "0x",
  "10",
  "100",
  "1000",
  "42"
];
var ASCII = Array.from({ length: 126 - 33 + 1 }, (_, i) => String.fromCharCode(33 + i));
var byteToken = (b) => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
function buildTinyVocab() {
  const pieces = /* @__PURE__ */ new Set();
  const addWithPrefixes = (piece) => {
    const chars = Array.from(piece);
    for (let k = 1; k <= chars.length; k++) pieces.add(chars.slice(0, k).join(""));
  };
  addWithPrefixes(SPM_SPACE);
  for (let n = 2; n <= 8; n++) addWithPrefixes(SPM_SPACE.repeat(n));
  for (const c of ASCII) {
    addWithPrefixes(c);
    addWithPrefixes(SPM_SPACE + c);
  }
  for (const w of [...WORDS, ...SYMBOLS]) {
    addWithPrefixes(w);
    addWithPrefixes(SPM_SPACE + w);
  }
  const sorted = [...pieces].sort((a, b) => Array.from(a).length - Array.from(b).length);
  const tokens = ["<unk>", "<s>", "</s>"];
  const scores = [0, 0, 0];
  const tokenTypes = [TokenType.unknown, TokenType.control, TokenType.control];
  for (let b = 0; b < 256; b++) {
    tokens.push(byteToken(b));
    scores.push(0);
    tokenTypes.push(TokenType.byte);
  }
  for (const p of sorted) {
    tokens.push(p);
    scores.push(Array.from(p).length - tokens.length * 1e-6);
    tokenTypes.push(TokenType.normal);
  }
  const suppressed = /* @__PURE__ */ new Set([0, 1, 2]);
  for (let b = 0; b < 256; b++) if (b !== 10 && b !== 9) suppressed.add(3 + b);
  return { tokens, scores, tokenTypes, suppressed };
}

// src/core/gguf/ggufWriter.ts
var import_promises2 = require("node:fs/promises");

// src/core/gguf/ggmlQuantize.ts
var f32Scratch = new Float32Array(1);
var u32Scratch = new Uint32Array(f32Scratch.buffer);
function f32ToF16Bits(value) {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = x >>> 16 & 32768;
  const exp = x >>> 23 & 255;
  let mant = x & 8388607;
  if (exp === 255) return sign | 31744 | (mant ? 512 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 31744;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 8388608;
    const shift = 14 - e;
    let half2 = mant >>> shift;
    const rem2 = mant & (1 << shift) - 1;
    const halfway = 1 << shift - 1;
    if (rem2 > halfway || rem2 === halfway && half2 & 1) half2++;
    return sign | half2;
  }
  let half = e << 10 | mant >>> 13;
  const rem = mant & 8191;
  if (rem > 4096 || rem === 4096 && half & 1) half++;
  return sign | half;
}
function f16BitsToF32(h) {
  const sign = h & 32768 ? -1 : 1;
  const exp = h >>> 10 & 31;
  const mant = h & 1023;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
function encodeF16(values) {
  const out = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) out.writeUInt16LE(f32ToF16Bits(values[i]), i * 2);
  return out;
}
function encodeQ8_0(values) {
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
function encodeQ4_K(values) {
  const blocks = values.length / 256;
  const out = Buffer.alloc(blocks * 144);
  const scales = new Float32Array(8);
  const mins = new Float32Array(8);
  const L = new Uint8Array(256);
  for (let b = 0; b < blocks; b++) {
    const x = values.subarray(b * 256, b * 256 + 256);
    for (let j = 0; j < 8; j++) {
      let lo = 0, hi = 0;
      for (let l = 0; l < 32; l++) {
        lo = Math.min(lo, x[j * 32 + l]);
        hi = Math.max(hi, x[j * 32 + l]);
      }
      scales[j] = (hi - lo) / 15;
      mins[j] = -lo;
    }
    const maxScale = Math.max(...scales), maxMin = Math.max(...mins);
    const d = maxScale / 63, dmin = maxMin / 63;
    const dq = f16BitsToF32(f32ToF16Bits(d)), dminq = f16BitsToF32(f32ToF16Bits(dmin));
    const ls = new Uint8Array(8), lm = new Uint8Array(8);
    for (let j = 0; j < 8; j++) {
      ls[j] = d ? Math.min(63, Math.round(scales[j] / d)) : 0;
      lm[j] = dmin ? Math.min(63, Math.round(mins[j] / dmin)) : 0;
      const sc = dq * ls[j], m = dminq * lm[j];
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
        s[j + 4] = ls[j] & 15 | (lm[j] & 15) << 4;
        s[j - 4] |= ls[j] >> 4 << 6;
        s[j] |= lm[j] >> 4 << 6;
      }
    }
    const q = out.subarray(o + 16, o + 144);
    for (let j = 0, qi = 0; j < 256; j += 64) {
      for (let l = 0; l < 32; l++) q[qi + l] = L[j + l] | L[j + l + 32] << 4;
      qi += 32;
    }
  }
  return out;
}
function encodeTensor(type, values, rowLength) {
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

// src/core/gguf/ggufWriter.ts
var gv = {
  u8: (value) => ({ type: "u8", value }),
  i8: (value) => ({ type: "i8", value }),
  u16: (value) => ({ type: "u16", value }),
  i16: (value) => ({ type: "i16", value }),
  u32: (value) => ({ type: "u32", value }),
  i32: (value) => ({ type: "i32", value }),
  u64: (value) => ({ type: "u64", value }),
  i64: (value) => ({ type: "i64", value }),
  f32: (value) => ({ type: "f32", value }),
  f64: (value) => ({ type: "f64", value }),
  bool: (value) => ({ type: "bool", value }),
  str: (value) => ({ type: "string", value }),
  array: (itemType, value) => ({ type: "array", itemType, value }),
  arrays: (value) => ({ type: "array", itemType: "array", value })
};
var GgufByteBuilder = class {
  chunks = [];
  size = 0;
  get length() {
    return this.size;
  }
  bytes(b) {
    this.chunks.push(Buffer.from(b));
    this.size += b.length;
    return this;
  }
  fixed(n, fill) {
    const b = Buffer.alloc(n);
    fill(b);
    return this.bytes(b);
  }
  u8(v) {
    return this.fixed(1, (b) => b.writeUInt8(v));
  }
  i8(v) {
    return this.fixed(1, (b) => b.writeInt8(v));
  }
  u16(v) {
    return this.fixed(2, (b) => b.writeUInt16LE(v));
  }
  i16(v) {
    return this.fixed(2, (b) => b.writeInt16LE(v));
  }
  u32(v) {
    return this.fixed(4, (b) => b.writeUInt32LE(v));
  }
  i32(v) {
    return this.fixed(4, (b) => b.writeInt32LE(v));
  }
  u64(v) {
    return this.fixed(8, (b) => b.writeBigUInt64LE(BigInt(v)));
  }
  i64(v) {
    return this.fixed(8, (b) => b.writeBigInt64LE(BigInt(v)));
  }
  f32(v) {
    return this.fixed(4, (b) => b.writeFloatLE(v));
  }
  f64(v) {
    return this.fixed(8, (b) => b.writeDoubleLE(v));
  }
  str(s) {
    const b = Buffer.from(s, "utf8");
    return this.u64(b.length).bytes(b);
  }
  pad(alignment) {
    const r = this.size % alignment;
    return r ? this.bytes(Buffer.alloc(alignment - r)) : this;
  }
  toBuffer() {
    return Buffer.concat(this.chunks, this.size);
  }
  scalar(type, v) {
    switch (type) {
      case "string":
        return this.str(String(v));
      case "bool":
        return this.u8(v ? 1 : 0);
      case "u64":
        return this.u64(v);
      case "i64":
        return this.i64(v);
      default:
        return this[type](Number(v));
    }
  }
  value(v) {
    if (v.type !== "array") return this.scalar(v.type, v.value);
    this.u32(GgufValueType[v.itemType]).u64(v.value.length);
    if (v.itemType === "array") for (const item of v.value) this.arrayBody(item);
    else for (const item of v.value) this.scalar(v.itemType, item);
    return this;
  }
  // Inside an array of arrays each element is written without its own type code.
  arrayBody(v) {
    if (v.type !== "array") throw new TypeError("an array of arrays may hold only arrays");
    this.value(v);
  }
  kv(key, v) {
    return this.str(key).u32(GgufValueType[v.type]).value(v);
  }
};
var alignUp = (n, a) => Math.ceil(n / a) * a;
function layoutGguf(options) {
  const alignment = options.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  const metadata = { ...options.metadata };
  if (alignment !== GGUF_DEFAULT_ALIGNMENT && !("general.alignment" in metadata)) {
    metadata["general.alignment"] = gv.u32(alignment);
  }
  const w = new GgufByteBuilder().u32(GGUF_MAGIC).u32(options.version ?? 3).u64(options.tensors.length).u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) w.kv(key, value);
  const tensorOffsets = [];
  const tensorBytes = [];
  let offset = 0;
  for (const t of options.tensors) {
    const elements = t.dims.reduce((a, b) => a * b, 1);
    if (t.dims.length === 0 || t.dims[0] % GGML_TYPES[t.type].blockSize !== 0) {
      throw new RangeError(`tensor ${t.name}: ${t.type} needs a row length that is a multiple of ${GGML_TYPES[t.type].blockSize}`);
    }
    w.str(t.name).u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPES[t.type].code).u64(offset);
    tensorOffsets.push(offset);
    const bytes = ggmlTensorBytes(t.type, elements);
    tensorBytes.push(bytes);
    offset = alignUp(offset + bytes, alignment);
  }
  w.pad(alignment);
  const header = w.toBuffer();
  const last = tensorOffsets.length - 1;
  const dataEnd = last >= 0 ? tensorOffsets[last] + tensorBytes[last] : 0;
  return { header, dataOffset: header.length, tensorOffsets, tensorBytes, totalSize: header.length + dataEnd };
}
async function writeGguf(filePath, options) {
  const layout = layoutGguf(options);
  const fh = await (0, import_promises2.open)(filePath, "w");
  try {
    await fh.write(layout.header, 0, layout.header.length, 0);
    for (let i = 0; i < options.tensors.length; i++) {
      const t = options.tensors[i];
      if (t.data === void 0) continue;
      const raw = typeof t.data === "function" ? t.data() : t.data;
      const bytes = raw instanceof Float32Array ? encodeTensor(t.type, raw, t.dims[0]) : raw;
      if (bytes.length !== layout.tensorBytes[i]) {
        throw new RangeError(`tensor ${t.name}: ${bytes.length} bytes of data for a ${t.type} tensor of ${layout.tensorBytes[i]} bytes`);
      }
      await fh.write(bytes, 0, bytes.length, layout.dataOffset + layout.tensorOffsets[i]);
    }
    await fh.truncate(layout.totalSize);
  } finally {
    await fh.close();
  }
  return layout;
}

// src/core/gguf/tinyMixtral.ts
function gaussianSource(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
  let spare;
  return () => {
    if (spare !== void 0) {
      const s = spare;
      spare = void 0;
      return s;
    }
    const u = uniform() || 1e-12, v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
function tinyMixtralShape(options = {}) {
  const variant = options.variant ?? "q8_0";
  const block = variant === "q4_k" ? 256 : 32;
  const embeddingLength = options.embeddingLength ?? (variant === "q4_k" ? 256 : 128);
  const heads = options.heads ?? 4;
  const shape = {
    variant,
    layers: options.layers ?? 2,
    embeddingLength,
    feedForwardLength: options.feedForwardLength ?? 256,
    heads,
    kvHeads: options.kvHeads ?? 2,
    headSize: embeddingLength / heads,
    expertCount: options.expertCount ?? 8,
    expertUsedCount: options.expertUsedCount ?? 2,
    contextLength: options.contextLength ?? 4096,
    vocabSize: buildTinyVocab().tokens.length
  };
  if (!Number.isInteger(shape.headSize) || heads % shape.kvHeads !== 0) {
    throw new RangeError("embeddingLength must be a multiple of heads, and heads a multiple of kvHeads");
  }
  if (embeddingLength % block !== 0 || shape.feedForwardLength % block !== 0) {
    throw new RangeError(`embeddingLength and feedForwardLength must be multiples of ${block} for ${variant}`);
  }
  return shape;
}
function tinyMixtralGguf(options = {}) {
  const shape = tinyMixtralShape(options);
  const vocab = buildTinyVocab();
  const { layers, embeddingLength: E, feedForwardLength: F, headSize, kvHeads, expertCount: X } = shape;
  const quant = shape.variant === "f16" ? "F16" : shape.variant === "q4_k" ? "Q4_K" : "Q8_0";
  const normal = gaussianSource(options.seed ?? 1);
  const gaussian = (n, std) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = normal() * std;
    return out;
  };
  const ones = (n) => new Float32Array(n).fill(1);
  const V = vocab.tokens.length;
  const tensors = [];
  const add = (name, dims, type, data) => {
    tensors.push({ name, dims, type, data });
  };
  add("token_embd.weight", [E, V], quant, gaussian(E * V, 1));
  for (let l = 0; l < layers; l++) {
    const p = `blk.${l}.`;
    add(`${p}attn_norm.weight`, [E], "F32", ones(E));
    add(`${p}attn_q.weight`, [E, E], quant, gaussian(E * E, 1 / Math.sqrt(E)));
    add(`${p}attn_k.weight`, [E, kvHeads * headSize], quant, gaussian(E * kvHeads * headSize, 1 / Math.sqrt(E)));
    add(`${p}attn_v.weight`, [E, kvHeads * headSize], quant, gaussian(E * kvHeads * headSize, 1 / Math.sqrt(E)));
    add(`${p}attn_output.weight`, [E, E], quant, gaussian(E * E, 1 / Math.sqrt(E)));
    add(`${p}ffn_gate_inp.weight`, [E, X], "F32", gaussian(E * X, 1));
    add(`${p}ffn_norm.weight`, [E], "F32", ones(E));
    add(`${p}ffn_gate_exps.weight`, [E, F, X], quant, gaussian(E * F * X, 1 / Math.sqrt(E)));
    add(`${p}ffn_down_exps.weight`, [F, E, X], quant, gaussian(F * E * X, 1 / Math.sqrt(F)));
    add(`${p}ffn_up_exps.weight`, [E, F, X], quant, gaussian(E * F * X, 1 / Math.sqrt(E)));
  }
  add("output_norm.weight", [E], "F32", ones(E));
  const output = gaussian(E * V, 3 / Math.sqrt(E));
  for (const id of vocab.suppressed) output.fill(0, id * E, (id + 1) * E);
  add("output.weight", [E, V], quant, output);
  const metadata = {
    "general.architecture": gv.str("llama"),
    "general.name": gv.str(options.name ?? `tiny-mixtral-${shape.variant}`),
    "general.file_type": gv.u32(shape.variant === "f16" ? 1 : shape.variant === "q4_k" ? 14 : 7),
    // F16, Q4_K_S, Q8_0
    "general.quantization_version": gv.u32(2),
    "general.alignment": gv.u32(32),
    "llama.context_length": gv.u32(shape.contextLength),
    "llama.embedding_length": gv.u32(E),
    "llama.block_count": gv.u32(layers),
    "llama.feed_forward_length": gv.u32(F),
    "llama.attention.head_count": gv.u32(shape.heads),
    "llama.attention.head_count_kv": gv.u32(kvHeads),
    "llama.attention.layer_norm_rms_epsilon": gv.f32(1e-5),
    "llama.rope.dimension_count": gv.u32(headSize),
    "llama.rope.freq_base": gv.f32(1e6),
    "llama.expert_count": gv.u32(X),
    "llama.expert_used_count": gv.u32(shape.expertUsedCount),
    "llama.vocab_size": gv.u32(V),
    "tokenizer.ggml.model": gv.str("llama"),
    "tokenizer.ggml.tokens": gv.array("string", vocab.tokens),
    "tokenizer.ggml.scores": gv.array("f32", vocab.scores),
    "tokenizer.ggml.token_type": gv.array("i32", vocab.tokenTypes),
    "tokenizer.ggml.bos_token_id": gv.u32(1),
    "tokenizer.ggml.eos_token_id": gv.u32(2),
    "tokenizer.ggml.unknown_token_id": gv.u32(0),
    "tokenizer.ggml.add_bos_token": gv.bool(true),
    "tokenizer.ggml.add_eos_token": gv.bool(false),
    "tokenizer.chat_template": gv.str(MIXTRAL_CHAT_TEMPLATE)
  };
  return { shape, metadata, tensors };
}
async function writeTinyMixtral(filePath, options = {}) {
  const { shape, metadata, tensors } = tinyMixtralGguf(options);
  const layout = await writeGguf(filePath, { metadata, tensors });
  return { ...layout, shape };
}

// src/cli/commands/fixture.ts
var USAGE = "usage: mixtral-local fixture <out.gguf> [--variant f16|q8_0|q4_k] [--seed N] [--layers N]\n";
var VARIANTS = ["f16", "q8_0", "q4_k"];
async function run(args) {
  let parsed;
  try {
    parsed = (0, import_node_util.parseArgs)({
      args,
      allowPositionals: true,
      options: {
        variant: { type: "string", default: "q8_0" },
        seed: { type: "string", default: "1" },
        layers: { type: "string", default: "2" },
        help: { type: "boolean", short: "h" }
      }
    });
  } catch (err) {
    process.stderr.write(`${err.message}
${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const variant = values.variant;
  const seed = Number(values.seed);
  const layers = Number(values.layers);
  const problem = positionals.length !== 1 ? "expected one output path" : !VARIANTS.includes(variant) ? `unknown variant "${values.variant}" (f16, q8_0 or q4_k)` : !Number.isInteger(seed) || seed < 0 || seed > 4294967295 ? `--seed must be an integer 0..4294967295, got "${values.seed}"` : !Number.isInteger(layers) || layers < 1 || layers > 64 ? `--layers must be an integer 1..64, got "${values.layers}"` : void 0;
  if (problem) {
    process.stderr.write(`mixtral-local fixture: ${problem}
${USAGE}`);
    return 2;
  }
  const out = path2.resolve(positionals[0]);
  const temp = `${out}.${process.pid}.partial`;
  try {
    await writeTinyMixtral(temp, { variant, seed, layers });
    await (0, import_promises3.rename)(temp, out);
  } finally {
    await (0, import_promises3.rm)(temp, { force: true });
  }
  const s = await precheckGguf(out);
  process.stdout.write(
    `wrote ${out} (${(s.fileSize / 1e6).toFixed(1)} MB): ${s.name}, architecture ${s.architecture}, ${s.blockCount} layers, Mixture of Experts ${s.expertCount} experts / ${s.expertUsedCount} active, ${s.fileTypeName}, vocabulary ${s.vocabSize}, context ${s.contextLength}, seed ${seed}
`
  );
  return 0;
}

// src/cli/commands/prompt.ts
var prompt_exports = {};
__export(prompt_exports, {
  run: () => run2
});
var import_promises4 = require("node:fs/promises");
var import_node_util2 = require("node:util");

// src/core/prompt/jinja.ts
var jinja = require_dist();
var Template = jinja.Template;

// src/core/prompt/mixtralFormat.ts
var INST_OPEN = "[INST]";
var INST_CLOSE = "[/INST]";
function foldSystemMessages(messages) {
  let i = 0;
  const parts = [];
  for (; i < messages.length && messages[i].role === "system"; i++) {
    const text = messages[i].content.trim();
    if (text) parts.push(text);
  }
  const rest = messages.slice(i);
  const late = rest.findIndex((m) => m.role === "system");
  if (late >= 0) {
    throw new InvalidOptionsError(
      `Message ${i + late + 1} is a system message after the conversation started; Mixtral has no system role.`,
      "Put system instructions first: they are folded into the first user message."
    );
  }
  return { system: parts.join("\n\n"), rest };
}
function userRun(content) {
  return `${INST_OPEN} ${content.trim()} ${INST_CLOSE}`;
}
function withSystem(system, user) {
  return system ? `${system}

${user.trim()}` : user.trim();
}
function validateConversation(messages, options = {}) {
  if (messages.length === 0) throw new InvalidOptionsError("The conversation is empty.", "Add a user message.");
  const { system, rest } = foldSystemMessages(messages);
  if (rest.length === 0) throw new InvalidOptionsError("The conversation has only system text.", "Add a user message after it.");
  rest.forEach((m, k) => {
    const expected = k % 2 === 0 ? "user" : "assistant";
    const n = messages.length - rest.length + k + 1;
    if (m.role !== "user" && m.role !== "assistant") {
      throw new InvalidOptionsError(`Message ${n} has an unknown role "${String(m.role)}".`, 'Use "system", "user" or "assistant".');
    }
    if (m.role !== expected) {
      const why = k === 0 ? "the conversation must start with a user message (after any system text)" : `two ${m.role} messages in a row`;
      throw new InvalidOptionsError(`Message ${n} is ${m.role === "user" ? "a user" : "an assistant"} message, expected ${expected}: ${why}.`, "Roles must alternate user/assistant/user/\u2026");
    }
    if (typeof m.content !== "string") throw new InvalidOptionsError(`Message ${n} has no text content.`);
    if (m.role === "user" && m.content.trim() === "") throw new InvalidOptionsError(`Message ${n} (user) is empty.`);
  });
  const last = rest[rest.length - 1];
  if (last.role === "assistant" && !options.continueAssistant) {
    throw new InvalidOptionsError(
      "The conversation ends with an assistant message, so there is nothing to answer.",
      "End with a user message, or pass continueAssistant to prime the answer with that text."
    );
  }
  return { system, turns: rest };
}
function buildMixtralPrompt(messages, options = {}) {
  const { system, turns } = validateConversation(messages, options);
  const segments = [{ type: "bos" }];
  turns.forEach((m, k) => {
    if (m.role === "user") {
      segments.push({ type: "text", text: userRun(k === 0 ? withSystem(system, m.content) : m.content) });
      return;
    }
    const open3 = k === turns.length - 1;
    const text = open3 ? m.content : m.content.trim();
    if (text) segments.push({ type: "text", text });
    if (!open3) segments.push({ type: "eos" });
  });
  return segments;
}
function renderPromptText(segments, options = {}) {
  const { bos = "<s>", eos = "</s>", runPrefix = " " } = options;
  let out = "";
  for (const s of segments) {
    switch (s.type) {
      case "bos":
        out += bos;
        break;
      case "eos":
        out += eos;
        break;
      case "text":
        out += s.special ? s.text : runPrefix + s.text;
        break;
      default: {
        const _exhaustive = s;
        void _exhaustive;
      }
    }
  }
  return out;
}

// src/core/prompt/chatTemplate.ts
var PROBE = [
  { role: "user", content: "U1" },
  { role: "assistant", content: "A1" },
  { role: "user", content: "U2" }
];
function renderChatTemplate(template, messages, options = {}) {
  let parsed;
  try {
    parsed = new Template(template);
  } catch (err) {
    throw new PromptTemplateError(`The model's chat template does not parse: ${err.message}`);
  }
  try {
    return parsed.render({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      bos_token: options.bosToken ?? "<s>",
      eos_token: options.eosToken ?? "</s>",
      add_generation_prompt: options.addGenerationPrompt ?? true
    });
  } catch (err) {
    throw new PromptTemplateError(`The model's chat template failed: ${err.message}`);
  }
}
function describePromptFormat(template) {
  if (!template || template.trim() === "") {
    return { id: "mixtral-v0.1", label: "Mixtral Instruct v0.1 ([INST] \u2026 [/INST]; the file has no chat template)" };
  }
  let text;
  try {
    text = renderChatTemplate(template, PROBE, { bosToken: "<s>", eosToken: "</s>" });
  } catch {
    return { id: "other", label: "the model's own chat template (it did not render a probe conversation)" };
  }
  if (/^<s>\s?\[INST\] U1 \[\/INST\]\s?A1<\/s>\s?\[INST\] U2 \[\/INST\]\s*$/.test(text)) {
    return { id: "mixtral-v0.1", label: "Mixtral Instruct v0.1 ([INST] \u2026 [/INST])" };
  }
  if (/^<s>\[INST\] U1\[\/INST\] ?A1<\/s>\[INST\] U2\[\/INST\]\s*$/.test(text)) {
    return { id: "mistral-v3", label: "Mistral v3 ([INST] control tokens)" };
  }
  if (/^<s>\[INST\]U1\[\/INST\]A1<\/s>\[INST\]U2\[\/INST\]\s*$/.test(text)) {
    return { id: "mistral-tekken", label: "Mistral Tekken ([INST] control tokens, no spaces)" };
  }
  return { id: "other", label: "the model's own chat template" };
}
function buildMistralControlPrompt(messages, options) {
  const { system, turns } = validateConversation(messages, options);
  const segments = [{ type: "bos" }];
  turns.forEach((m, k) => {
    if (m.role === "user") {
      segments.push({ type: "text", text: "[INST]", special: true });
      segments.push({ type: "text", text: k === 0 ? withSystem(system, m.content) : m.content.trim() });
      segments.push({ type: "text", text: "[/INST]", special: true });
      return;
    }
    const open3 = k === turns.length - 1;
    const text = open3 ? m.content : m.content.trim();
    if (text) segments.push({ type: "text", text });
    if (!open3) segments.push({ type: "eos" });
  });
  return segments;
}
var sentinel = (i) => `\uE000${i}\uE001`;
function buildPromptFromTemplate(template, messages, options = {}) {
  validateConversation(messages, options);
  const last = messages[messages.length - 1];
  const priming = options.continueAssistant === true && last?.role === "assistant";
  const placeholders = messages.map((m, i) => ({ role: m.role, content: sentinel(i) }));
  const rendered = renderChatTemplate(template, placeholders, {
    bosToken: options.bosToken,
    eosToken: options.eosToken,
    addGenerationPrompt: !priming
  });
  const segments = [];
  let rest = rendered;
  for (let i = 0; i < messages.length; i++) {
    const at = rest.indexOf(sentinel(i));
    if (at < 0) {
      throw new PromptTemplateError(`The model's chat template does not keep message ${i + 1} (${messages[i].role}) as written.`);
    }
    if (at > 0) segments.push({ type: "text", text: rest.slice(0, at), special: true });
    if (messages[i].content) segments.push({ type: "text", text: messages[i].content });
    rest = rest.slice(at + sentinel(i).length);
  }
  if (!priming && rest) segments.push({ type: "text", text: rest, special: true });
  return segments;
}
function buildPromptForModel(messages, model, options = {}) {
  const format = describePromptFormat(model.chatTemplate);
  switch (format.id) {
    case "mixtral-v0.1":
      return { segments: buildMixtralPrompt(messages, options), format };
    case "mistral-v3":
    case "mistral-tekken":
      return { segments: buildMistralControlPrompt(messages, options), format };
    case "other":
      return {
        segments: buildPromptFromTemplate(model.chatTemplate ?? "", messages, { ...options, bosToken: model.bosToken, eosToken: model.eosToken }),
        format
      };
    default: {
      const _exhaustive = format.id;
      return _exhaustive;
    }
  }
}

// src/engine/tokenizePrompt.ts
function tokenizePrompt(model, prompt) {
  const tokens = [];
  for (const segment of prompt) {
    switch (segment.type) {
      case "bos": {
        const bos = model.tokens.bos;
        if (bos == null) throw new Error("The model has no BOS token.");
        tokens.push(bos);
        break;
      }
      case "eos": {
        const eos = model.tokens.eos;
        if (eos == null) throw new Error("The model has no EOS token.");
        tokens.push(eos);
        break;
      }
      case "text":
        if (segment.text.length > 0) tokens.push(...model.tokenize(segment.text, segment.special === true));
        break;
      default: {
        const _exhaustive = segment;
        void _exhaustive;
      }
    }
  }
  return tokens;
}

// src/engine/tokenizerOnly.ts
async function tokenizeWithModelFile(modelPath, prompt) {
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, logger: () => {
  } });
  try {
    const model = await llama.loadModel({ modelPath, vocabOnly: true });
    try {
      const tokens = tokenizePrompt(model, prompt);
      return { tokens: tokens.map(Number), pieces: tokens.map((t) => model.detokenize([t], true)) };
    } finally {
      await model.dispose();
    }
  } finally {
    await llama.dispose();
  }
}

// src/cli/commands/prompt.ts
var USAGE2 = `usage: mixtral-local prompt --messages <conversation.json> [--model <file.gguf>] [--tokens] [--continue]
  --messages  JSON array of {"role": "system"|"user"|"assistant", "content": string}
  --model     GGUF whose chat template (and, with --tokens, vocabulary) is used; default: Mixtral's format
  --tokens    print the JSON array of token ids the engine would evaluate (requires --model)
  --continue  the last message is an assistant text to continue (a primed answer)
`;
function parseConversation(json, file) {
  let value;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new MixtralError(`${file} is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(value)) throw new MixtralError(`${file} must hold a JSON array of messages.`);
  return value.map((m, i) => {
    const o = m;
    if (typeof o !== "object" || o === null || !["system", "user", "assistant"].includes(o.role) || typeof o.content !== "string") {
      throw new MixtralError(`Message ${i + 1} in ${file} must be {"role": "system"|"user"|"assistant", "content": string}.`);
    }
    return { role: o.role, content: o.content };
  });
}
async function run2(args) {
  let values;
  try {
    ({ values } = (0, import_node_util2.parseArgs)({
      args,
      options: {
        messages: { type: "string" },
        model: { type: "string" },
        tokens: { type: "boolean", default: false },
        continue: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" }
      }
    }));
  } catch (err) {
    process.stderr.write(`${err.message}
${USAGE2}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE2);
    return 0;
  }
  if (!values.messages) {
    process.stderr.write(`mixtral-local prompt: --messages is required
${USAGE2}`);
    return 2;
  }
  if (values.tokens && !values.model) {
    process.stderr.write("mixtral-local prompt: --tokens requires --model <file.gguf> (token ids come from that model's vocabulary)\n");
    return 2;
  }
  try {
    const messages = parseConversation(await (0, import_promises4.readFile)(values.messages, "utf8"), values.messages);
    const options = { continueAssistant: values.continue };
    let segments;
    let label = describePromptFormat().label;
    let runPrefix = " ";
    if (values.model) {
      const summary = await precheckGguf(values.model);
      const built = buildPromptForModel(messages, { chatTemplate: summary.chatTemplate }, options);
      segments = built.segments;
      label = built.format.label;
      runPrefix = built.format.id === "mixtral-v0.1" ? " " : "";
    } else {
      segments = buildMixtralPrompt(messages, options);
    }
    if (values.tokens) {
      const { tokens } = await tokenizeWithModelFile(values.model, segments);
      process.stdout.write(`${JSON.stringify(tokens)}
`);
    } else {
      process.stderr.write(`format: ${label}
`);
      process.stdout.write(`${renderPromptText(segments, { runPrefix })}
`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof MixtralError)) throw err;
    process.stderr.write(`mixtral-local prompt: ${err.message}${err.hint ? ` ${err.hint}` : ""}
`);
    return 1;
  }
}

// src/cli/commands/doctor.ts
var doctor_exports = {};
__export(doctor_exports, {
  defaultCliModelsDirectory: () => defaultCliModelsDirectory,
  run: () => run3
});
var os2 = __toESM(require("node:os"));
var path4 = __toESM(require("node:path"));

// src/core/config/settings.ts
var QUANTIZATIONS = ["auto", "Q2_K", "Q3_K_M", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "IQ3_M", "IQ4_XS"];
var PROMPT_NAMES = ["explain", "refactor", "writeTests", "fix", "document", "ask", "inlineCompletion"];
function pickEnum(raw, allowed, fallback, key, warn) {
  if (typeof raw === "string" && allowed.includes(raw)) return raw;
  if (raw !== void 0) warn(`mixtral.${key}: "${String(raw)}" is not one of ${allowed.join(", ")}; using "${fallback}".`);
  return fallback;
}
function clampInt(raw, min, max, fallback, key, warn) {
  if (typeof raw !== "number" || !Number.isFinite(raw)) {
    if (raw !== void 0) warn(`mixtral.${key}: ${JSON.stringify(raw)} is not a number; using ${fallback}.`);
    return fallback;
  }
  const v = Math.round(raw);
  if (v < min || v > max) {
    const c = Math.min(max, Math.max(min, v));
    warn(`mixtral.${key}: ${raw} is outside ${min}\u2013${max}; using ${c}.`);
    return c;
  }
  return v;
}
function clampNum(raw, min, max, fallback, key, warn) {
  if (typeof raw !== "number" || !Number.isFinite(raw)) return fallback;
  if (raw < min || raw > max) {
    const c = Math.min(max, Math.max(min, raw));
    warn(`mixtral.${key}: ${raw} is outside ${min}\u2013${max}; using ${c}.`);
    return c;
  }
  return raw;
}
var str = (v, fallback = "") => typeof v === "string" ? v : fallback;
var bool = (v, fallback) => typeof v === "boolean" ? v : fallback;
function strRecord(v) {
  const out = {};
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v)) if (typeof val === "string" && k !== "__proto__") out[k] = val;
  }
  return out;
}
function boolRecord(v, fallback) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return fallback;
  const out = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === "boolean" && k !== "__proto__") out[k] = val;
  return out;
}
function normalizeSettings(raw, warn) {
  const gl = raw("gpuLayers");
  let gpuLayers = "auto";
  if (gl === "auto" || gl === "max") gpuLayers = gl;
  else if (typeof gl === "number") gpuLayers = clampInt(gl, 0, 1e3, 0, "gpuLayers", warn);
  else if (gl !== void 0) warn(`mixtral.gpuLayers: ${JSON.stringify(gl)} is not "auto", "max" or a number; using "auto".`);
  const lora = Array.isArray(raw("loraAdapters")) ? raw("loraAdapters") : [];
  const prompts = {};
  for (const name of PROMPT_NAMES) prompts[name] = str(raw(`prompts.${name}`));
  return {
    engine: pickEnum(raw("engine"), ["local", "tgi", "openai"], "local", "engine", warn),
    remoteUrl: str(raw("remote.url")).trim(),
    remoteModel: str(raw("remote.model")).trim(),
    remoteHeaders: strRecord(raw("remote.headers")),
    modelPath: str(raw("modelPath")).trim(),
    modelsDirectory: str(raw("modelsDirectory")).trim(),
    downloadSource: str(raw("downloadSource")).trim(),
    quantization: pickEnum(raw("quantization"), QUANTIZATIONS, "auto", "quantization", warn),
    gpuLayers,
    contextSize: clampInt(raw("contextSize"), 512, 32768, 8192, "contextSize", warn),
    expertsPerToken: clampInt(raw("expertsPerToken"), 1, 8, 2, "expertsPerToken", warn),
    backend: pickEnum(raw("backend"), ["auto", "cuda", "metal", "vulkan", "cpu"], "auto", "backend", warn),
    threads: clampInt(raw("threads"), 0, 256, 0, "threads", warn),
    flashAttention: pickEnum(raw("flashAttention"), ["auto", "on", "off"], "auto", "flashAttention", warn),
    useMmap: bool(raw("useMmap"), true),
    idleUnloadMinutes: clampInt(raw("idleUnloadMinutes"), 0, 1440, 15, "idleUnloadMinutes", warn),
    loraAdapters: lora.flatMap((a) => {
      if (typeof a !== "object" || a === null) return [];
      const o = a;
      if (typeof o.path !== "string" || !o.path) return [];
      return [{ path: o.path, scale: typeof o.scale === "number" && Number.isFinite(o.scale) ? o.scale : 1 }];
    }),
    temperature: clampNum(raw("temperature"), 0, 2, 0.2, "temperature", warn),
    maxTokens: clampInt(raw("maxTokens"), 16, 8192, 1024, "maxTokens", warn),
    systemPrompt: str(raw("systemPrompt")),
    inlineEnabled: bool(raw("inlineCompletions.enabled"), true),
    inlineLanguages: boolRecord(raw("inlineCompletions.languages"), { "*": true, plaintext: false, markdown: false, scminput: false }),
    inlineDebounceMs: clampInt(raw("inlineCompletions.debounceMs"), 0, 2e3, 100, "inlineCompletions.debounceMs", warn),
    inlineMaxTokens: clampInt(raw("inlineCompletions.maxTokens"), 8, 512, 64, "inlineCompletions.maxTokens", warn),
    inlineMultiline: pickEnum(raw("inlineCompletions.multiline"), ["auto", "always", "never"], "auto", "inlineCompletions.multiline", warn),
    prompts
  };
}

// src/core/models/doctorReport.ts
var import_node_crypto = require("node:crypto");
var import_node_fs = require("node:fs");
var path3 = __toESM(require("node:path"));

// src/core/models/catalog.ts
var QUANT_LEVEL_IDS = ["Q2_K", "IQ3_M", "Q3_K_M", "IQ4_XS", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"];
var MIXTRAL_8X7B_PARAMS = 467e8;
function level(id, bitsPerWeight, rest) {
  return { id, bitsPerWeight, sizeBytes: Math.round(MIXTRAL_8X7B_PARAMS * bitsPerWeight / 8), ...rest };
}
var QUANT_LEVELS = [
  level("Q2_K", 2.96, { mixtralErrorPct: 23.2, pplIncrease8B: 3.5199, cpuRepackFraction: 0.58, note: "smallest; clearly worse answers" }),
  level("IQ3_M", 3.67, { cpuRepackFraction: 0.1, note: "importance-matrix 3-bit mix; no published perplexity" }),
  level("Q3_K_M", 3.86, { mixtralErrorPct: 4.47, pplIncrease8B: 0.6569, cpuRepackFraction: 0.15, note: "small; noticeably worse" }),
  level("IQ4_XS", 4.34, { cpuRepackFraction: 0, note: "non-linear 4-bit; no published perplexity" }),
  level("Q4_0", 4.55, { mixtralErrorPct: 2.32, pplIncrease8B: 0.4685, cpuRepackFraction: 0.97, note: "legacy 4-bit; fast on CPUs" }),
  level("Q4_K_M", 4.87, { mixtralErrorPct: 1.47, pplIncrease8B: 0.1754, cpuRepackFraction: 0.7, note: "recommended balance" }),
  level("Q5_K_M", 5.69, { pplIncrease8B: 0.0569, cpuRepackFraction: 0, note: "close to 8-bit" }),
  level("Q6_K", 6.56, { pplIncrease8B: 0.0217, cpuRepackFraction: 0, note: "nearly lossless" }),
  level("Q8_0", 8.5, { mixtralErrorPct: 0, pplIncrease8B: 26e-4, cpuRepackFraction: 0, note: "reference quality; largest" })
];
function isQuantLevelId(v) {
  return QUANT_LEVEL_IDS.includes(v);
}
function getQuantLevel(id) {
  const found = QUANT_LEVELS.find((l) => l.id === id);
  if (!found) throw new Error(`unknown quantization level ${id}`);
  return found;
}
function describeQualityCost(l) {
  if (l.mixtralErrorPct !== void 0) return l.mixtralErrorPct === 0 ? "reference (8-bit)" : `+${l.mixtralErrorPct}% perplexity vs 8-bit (Mixtral)`;
  if (l.pplIncrease8B !== void 0) return `+${l.pplIncrease8B} perplexity vs F16 (Llama-3-8B proxy)`;
  return "no published perplexity figure";
}

// src/core/models/fit.ts
var MIXTRAL_8X7B_SHAPE = {
  blockCount: 32,
  embeddingLength: 4096,
  feedForwardLength: 14336,
  expertCount: 8,
  expertUsedCount: 2,
  headCount: 32,
  headCountKv: 8,
  vocabSize: 32e3
};
var GIB = 1024 ** 3;
var GB = 1e9;
var MIN_AUTO_BITS_PER_WEIGHT = 3;
var UBATCH = 512;
var COMPUTE_BASE_BYTES = 256 * 1024 ** 2;
function shapeParams(s) {
  const headDim = s.embeddingLength / s.headCount;
  const expert = s.blockCount * s.expertCount * 3 * s.embeddingLength * s.feedForwardLength;
  const attention = s.blockCount * (2 * s.embeddingLength * s.embeddingLength + 2 * s.embeddingLength * s.headCountKv * headDim);
  const embedding = s.vocabSize * s.embeddingLength;
  return { headDim, expert, attention, embedding, total: expert + attention + 2 * embedding };
}
function kvBytesPerTokenPerLayer(s) {
  return 2 * s.headCountKv * (s.embeddingLength / s.headCount) * 2;
}
function computeBufferBytes(s, contextSize, flashAttention) {
  const logits = UBATCH * s.vocabSize * 4;
  const scores = flashAttention ? 0 : s.headCount * contextSize * UBATCH * 4;
  return COMPUTE_BASE_BYTES + logits + scores;
}
function bytesPerToken(s, fileBytes, expertsPerToken = s.expertUsedCount) {
  const p = shapeParams(s);
  const active = p.attention + p.embedding + p.expert * expertsPerToken / s.expertCount;
  return fileBytes * (active / p.total);
}
function knownGpuBandwidth(name) {
  const table = [
    [/H200/i, 48e11],
    [/H100.*(PCIe|NVL)/i, 2e12],
    [/H100/i, 335e10],
    [/A100.*80/i, 2e12],
    [/A100/i, 1555e9],
    [/L40S?/i, 864e9],
    [/A10\b/i, 6e11],
    [/T4\b/i, 32e10],
    [/RTX 5090/i, 179e10],
    [/RTX 4090/i, 1008e9],
    [/RTX 4080/i, 717e9],
    [/RTX 3090/i, 936e9],
    [/RTX 3080/i, 76e10],
    [/RX 7900 XTX/i, 96e10],
    [/M[1-4] Ultra/i, 8e11],
    [/M[1-4] Max/i, 4e11],
    [/M[1-4] Pro/i, 2e11],
    [/Apple M[1-4]/i, 1e11]
  ];
  return table.find(([re]) => re.test(name))?.[1];
}
function estimateLevel(level2, machine, options = {}, shape = MIXTRAL_8X7B_SHAPE, fileBytes = level2.sizeBytes) {
  const ctx = options.contextSize ?? 8192;
  const fa = options.flashAttention ?? true;
  const headroom = options.headroom ?? 0.1;
  const totalLayers = shape.blockCount + 1;
  const p = shapeParams(shape);
  const embeddingBytes = fileBytes * (p.embedding / p.total);
  const layerBytes = (fileBytes - 2 * embeddingBytes) / shape.blockCount;
  const kvLayer = ctx * kvBytesPerTokenPerLayer(shape);
  const compute = computeBufferBytes(shape, ctx, fa);
  const gpu = machine.gpu;
  const vramBudget = gpu ? gpu.vramTotalBytes * (1 - headroom) : 0;
  const ramBudget = machine.totalRamBytes * (1 - headroom);
  const split = (g2) => {
    const gpuBlocks = Math.min(g2, shape.blockCount);
    const cpuBlocks = shape.blockCount - gpuBlocks;
    const outputOnGpu = g2 > shape.blockCount;
    const vram = g2 > 0 ? gpuBlocks * (layerBytes + kvLayer) + (outputOnGpu ? embeddingBytes : 0) + compute : 0;
    const cpuWeights = cpuBlocks * layerBytes + embeddingBytes + (outputOnGpu ? 0 : embeddingBytes);
    const fraction = level2.id === "Q2_K" && !machine.cpuHasAvx512 ? 0.1 : level2.cpuRepackFraction;
    const repack = machine.cpuHasAvx2 ? cpuBlocks * layerBytes * fraction : 0;
    const ram = cpuWeights + repack + cpuBlocks * kvLayer + (g2 === 0 ? compute : compute / 4);
    return { vram, ram, repack, kv: shape.blockCount * kvLayer };
  };
  let g;
  if (!gpu) g = 0;
  else if (options.gpuLayers === "max") g = totalLayers;
  else if (typeof options.gpuLayers === "number") g = Math.max(0, Math.min(totalLayers, Math.floor(options.gpuLayers)));
  else {
    g = totalLayers;
    while (g > 0 && split(g).vram > vramBudget) g--;
  }
  const s = split(g);
  const ramNeed = gpu?.unifiedMemory ? s.ram + s.vram : s.ram;
  let reason = "";
  if (gpu && s.vram > vramBudget) reason = `needs ${fmtGB(s.vram)} of VRAM for ${g} layers, ${fmtGB(gpu.vramTotalBytes)} on ${gpu.name} (10 % kept free)`;
  else if (ramNeed > ramBudget) reason = `needs ${fmtGB(ramNeed)} of RAM${s.repack > 0 ? ` (incl. ${fmtGB(s.repack)} repacked by the CPU backend)` : ""}, ${fmtGB(machine.totalRamBytes)} installed (10 % kept free)`;
  const bpt = bytesPerToken(shape, fileBytes, options.expertsPerToken ?? shape.expertUsedCount);
  const gpuShare = g === 0 ? 0 : (Math.min(g, shape.blockCount) * layerBytes + (g > shape.blockCount ? embeddingBytes : 0)) / (fileBytes - embeddingBytes);
  const gpuBw = gpu ? gpu.bandwidthBytesPerSec ?? knownGpuBandwidth(gpu.name) : void 0;
  const ramBw = machine.ramBandwidthBytesPerSec;
  let ceiling;
  const needGpu = gpuShare > 0, needCpu = gpuShare < 1;
  if ((!needGpu || gpuBw) && (!needCpu || ramBw)) {
    const seconds = (needGpu ? bpt * gpuShare / gpuBw : 0) + (needCpu ? bpt * (1 - gpuShare) / ramBw : 0);
    ceiling = seconds > 0 ? 1 / seconds : void 0;
  }
  return {
    level: level2.id,
    fileBytes,
    gpuLayers: g,
    totalLayers,
    vramBytes: s.vram,
    ramBytes: ramNeed,
    kvBytes: s.kv,
    repackBytes: s.repack,
    fits: reason === "",
    reason,
    bytesPerToken: bpt,
    decodeCeilingTokPerSec: ceiling
  };
}
function estimateAll(machine, options = {}) {
  return QUANT_LEVELS.map((l) => estimateLevel(l, machine, options));
}
function chooseAutoQuantization(machine, options = {}) {
  const candidates = QUANT_LEVELS.filter((l) => l.bitsPerWeight >= MIN_AUTO_BITS_PER_WEIGHT).sort((a, b) => b.bitsPerWeight - a.bitsPerWeight);
  for (const l of candidates) {
    const e = estimateLevel(l, machine, options);
    if (e.fits) return { level: l, estimate: e, reason: `${l.id} is the best level that fits (${fmtGB(e.ramBytes)} RAM${e.gpuLayers ? `, ${fmtGB(e.vramBytes)} VRAM, ${e.gpuLayers}/${e.totalLayers} layers on the GPU` : ""})` };
  }
  const smallest = estimateLevel(candidates[candidates.length - 1], machine, options);
  return { reason: `no level of 3 bits per weight or more fits: the smallest, ${smallest.level}, ${smallest.reason}. Pick Q2_K explicitly, lower mixtral.contextSize, or use a machine with more memory.` };
}
function fmtGB(bytes) {
  return `${(bytes / GB).toFixed(1)} GB`;
}

// src/core/models/modelSource.ts
var DEFAULT_FILE_PATTERN = "Mixtral-8x7B-Instruct-v0.1.{QUANT}.gguf";
var DEFAULT_MODEL_SOURCE = "hf:mradermacher/Mixtral-8x7B-Instruct-v0.1-GGUF@main";
var HF_ENDPOINT = "https://huggingface.co";
var REPO_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
var REV_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
function parseModelSource(raw, endpoint = HF_ENDPOINT) {
  const s = raw.trim() || DEFAULT_MODEL_SOURCE;
  if (s.startsWith("hf:")) {
    let rest = s.slice(3);
    let filePattern = DEFAULT_FILE_PATTERN;
    const colon = rest.indexOf(":");
    if (colon >= 0) {
      filePattern = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
    const [repo, revision = "main"] = rest.split("@", 2);
    if (!REPO_RE.test(repo) || !REV_RE.test(revision) || revision.includes("..")) {
      throw new InvalidOptionsError(`mixtral.downloadSource: "${raw}" is not hf:<user>/<repo>[@<revision>].`, "Example: hf:mradermacher/Mixtral-8x7B-Instruct-v0.1-GGUF@main");
    }
    checkPattern(filePattern, raw);
    return { kind: "hub", repo, revision, filePattern, endpoint: endpoint.replace(/\/+$/, "") };
  }
  let url;
  try {
    url = new URL(s);
  } catch {
    throw new InvalidOptionsError(`mixtral.downloadSource: "${raw}" is neither hf:<user>/<repo> nor a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidOptionsError(`mixtral.downloadSource: only http(s) mirrors are supported, not ${url.protocol}`);
  }
  const href = url.href;
  if (href.includes("{QUANT}") || href.includes("%7BQUANT%7D")) {
    const decoded = href.replace("%7BQUANT%7D", "{QUANT}");
    const cut = decoded.lastIndexOf("/") + 1;
    return { kind: "mirror", baseUrl: decoded.slice(0, cut), filePattern: decoded.slice(cut) };
  }
  return { kind: "mirror", baseUrl: href.endsWith("/") ? href : `${href}/`, filePattern: DEFAULT_FILE_PATTERN };
}
function checkPattern(p, raw) {
  if (!p.includes("{QUANT}") || p.includes("/") || p.includes("\\") || p.includes("..")) {
    throw new InvalidOptionsError(`mixtral.downloadSource: the file pattern in "${raw}" must be a plain file name containing {QUANT}.`);
  }
}
function fileNameFor(source, level2) {
  return source.filePattern.replace("{QUANT}", level2);
}
function describeSource(source) {
  return source.kind === "hub" ? `${source.repo}@${source.revision}` : source.baseUrl;
}

// src/core/models/doctorReport.ts
async function buildDoctorReport(input) {
  const { machine, settings } = input;
  const fitOptions = { contextSize: settings.contextSize, gpuLayers: settings.gpuLayers, flashAttention: settings.flashAttention !== "off", expertsPerToken: settings.expertsPerToken };
  const auto = settings.quantization === "auto" ? chooseAutoQuantization(machine, fitOptions) : void 0;
  const chosenLevel = settings.quantization === "auto" ? auto?.level?.id : settings.quantization;
  const chosenWhy = settings.quantization === "auto" ? `auto: ${auto?.reason}` : `mixtral.quantization is ${settings.quantization}`;
  let sourceText;
  let fileName;
  try {
    const source = parseModelSource(settings.downloadSource);
    sourceText = describeSource(source);
    fileName = chosenLevel ? fileNameFor(source, chosenLevel) : void 0;
  } catch (err) {
    sourceText = `invalid: ${err.message}`;
  }
  const filePath = settings.modelPath || (fileName ? path3.join(input.modelsDirectory, fileName) : "");
  const modelFile = await checkModelFile(filePath, settings.modelPath ? "mixtral.modelPath" : "download", input.checkHash ?? false);
  const gpu = input.engine?.gpuName ? input.engine : void 0;
  const backend = {
    expected: settings.backend !== "auto" ? settings.backend : machine.gpu ? machine.gpu.backend : "cpu",
    why: settings.backend !== "auto" ? "set by mixtral.backend" : machine.gpu ? `${machine.gpu.name} found (${machine.gpuSource}); node-llama-cpp tries CUDA, Metal, Vulkan, then CPU` : `no GPU found: ${machine.gpuSource}`,
    actual: input.engine ? `${input.engine.backend}${gpu ? ` on ${gpu.gpuName}` : ""}` : void 0,
    notices: input.engine?.notices ?? []
  };
  const fileLevel = modelFile.findings.length && isQuantLevelId(fileTypeOf(modelFile) ?? "") ? fileTypeOf(modelFile) : chosenLevel;
  let speed = { basis: "no model chosen", lastMeasuredTokPerSec: input.lastTokensPerSecond };
  if (fileLevel) {
    const e = estimateLevel(getQuantLevel(fileLevel), machine, fitOptions, MIXTRAL_8X7B_SHAPE, modelFile.sizeBytes ?? getQuantLevel(fileLevel).sizeBytes);
    const bw = [e.gpuLayers > 0 && machine.gpu ? `${machine.gpu.name} ${e.gpuLayers}/${e.totalLayers} layers` : "", e.gpuLayers < e.totalLayers ? `RAM ${machine.ramBandwidthBytesPerSec ? `${(machine.ramBandwidthBytesPerSec / 1e9).toFixed(0)} GB/s (measured copy)` : "bandwidth unknown"}` : ""].filter(Boolean).join(" + ");
    speed = { ceilingTokPerSec: e.decodeCeilingTokPerSec, bytesPerToken: e.bytesPerToken, basis: `${fileLevel}: ${fmtGB(e.bytesPerToken)} read per token (${settings.expertsPerToken} of 8 experts); ${bw}`, lastMeasuredTokPerSec: input.lastTokensPerSecond };
  }
  return {
    backend,
    machine,
    chosenLevel,
    chosenWhy,
    modelFile,
    fits: estimateAll(machine, fitOptions).map((e) => ({ ...e, qualityCost: describeQualityCost(getQuantLevel(e.level)) })),
    settings: { ...settings, modelsDirectory: input.modelsDirectory, source: sourceText },
    speed
  };
}
function fileTypeOf(c) {
  return /quantization (\S+)/.exec(c.findings.join("\n"))?.[1];
}
async function checkModelFile(filePath, source, hash) {
  const check = { path: filePath, source, exists: false, ok: false, findings: [], upgradeAvailable: false };
  if (!filePath) {
    check.findings.push("no model file: nothing fits, or mixtral.downloadSource is invalid");
    return check;
  }
  try {
    check.sizeBytes = (await import_node_fs.promises.stat(filePath)).size;
    check.exists = true;
  } catch {
    check.findings.push(source === "download" ? "not downloaded yet (Mixtral: Select or Download Model\u2026)" : "the file does not exist");
    return check;
  }
  let summary;
  try {
    summary = await precheckGguf(filePath);
  } catch (err) {
    if (err instanceof GgufPrecheckError) {
      check.refusal = { reason: err.reason, message: err.message, hint: err.hint };
      check.upgradeAvailable = err.reason === "old-expert-layout";
      check.findings.push(check.upgradeAvailable ? "layout: old per-expert tensors (Dec 2023); can be upgraded in place" : `refused: ${err.message}`);
      return check;
    }
    throw err;
  }
  check.findings.push(`format: GGUF v${summary.version}, ${summary.tensorCount} tensors, ${fmtGB(summary.fileSize)}`);
  check.findings.push(`architecture ${summary.architecture ?? "?"}, ${summary.blockCount ?? "?"} layers, context ${summary.contextLength ?? "?"}`);
  check.findings.push(summary.expertCount ? `experts: ${summary.expertCount}, ${summary.expertUsedCount ?? "?"} per token; layout: merged (current)` : "experts: none (not a mixture-of-experts model)");
  check.findings.push(`quantization ${summary.fileTypeName ?? "unknown"}`);
  check.ok = true;
  if (hash) check.sha256 = await sha256Of(filePath);
  return check;
}
async function sha256Of(file) {
  const h = (0, import_node_crypto.createHash)("sha256");
  for await (const chunk of (0, import_node_fs.createReadStream)(file, { highWaterMark: 4 << 20 })) h.update(chunk);
  return h.digest("hex");
}
function renderDoctorMarkdown(r) {
  const m = r.machine;
  const lines = ["# Mixtral Local: Doctor", ""];
  lines.push("## Backend", "", `- Expected: **${r.backend.expected}** (${r.backend.why})`);
  lines.push(`- Engine reported: ${r.backend.actual ?? "no model loaded in this session yet"}`);
  for (const n of r.backend.notices) lines.push(`- Notice: ${n}`);
  lines.push("", "## Machine", "", `- ${m.platform}/${m.arch}, ${m.cpuModel}, ${m.logicalCores} logical cores`);
  lines.push(`- CPU features: ${m.cpuFeatures.join(", ") || "unknown"}`);
  lines.push(`- RAM: ${fmtGB(m.totalRamBytes)} (${fmtGB(m.freeRamBytes)} free now)`);
  lines.push(`- GPU: ${m.gpu ? `${m.gpu.name}, ${fmtGB(m.gpu.vramTotalBytes)}${m.gpu.unifiedMemory ? " (unified memory)" : ""}` : m.gpuSource}`);
  lines.push("", "## Model file", "", `- ${r.modelFile.path || "(none)"} (${r.modelFile.source === "download" ? `download of ${r.chosenLevel ?? "no level"}` : "mixtral.modelPath"})`);
  for (const f of r.modelFile.findings) lines.push(`- ${f}`);
  if (r.modelFile.refusal?.hint) lines.push(`- What to do: ${r.modelFile.refusal.hint}`);
  if (r.modelFile.sha256) lines.push(`- sha256: \`${r.modelFile.sha256}\``);
  lines.push(`- Level: ${r.chosenLevel ?? "none"} (${r.chosenWhy})`);
  lines.push("", `## What fits (context ${r.settings.contextSize}, gpuLayers ${r.settings.gpuLayers}, 10 % headroom)`, "");
  lines.push("| Level | File | RAM | VRAM | GPU layers | Fits | Quality cost |", "|---|---|---|---|---|---|---|");
  for (const e of r.fits) {
    lines.push(`| ${e.level} | ${fmtGB(e.fileBytes)} | ${fmtGB(e.ramBytes)} | ${e.vramBytes ? fmtGB(e.vramBytes) : "\u2013"} | ${e.gpuLayers}/${e.totalLayers} | ${e.fits ? "yes" : `no: ${e.reason}`} | ${e.qualityCost} |`);
  }
  lines.push("", "## Speed", "", `- Decode ceiling: ${r.speed.ceilingTokPerSec ? `**${r.speed.ceilingTokPerSec.toFixed(1)} tok/s**` : "unknown"} (${r.speed.basis})`);
  lines.push(`- Last measured: ${r.speed.lastMeasuredTokPerSec ? `${r.speed.lastMeasuredTokPerSec.toFixed(1)} tok/s` : "no generation yet"}`);
  lines.push("- The ceiling is memory bandwidth \xF7 bytes read per token; real decoding reaches roughly 40\u201390 % of it.");
  lines.push("", "## Settings in effect", "", "```json", JSON.stringify(r.settings, null, 2), "```", "");
  return lines.join("\n");
}

// src/core/models/machineInfo.ts
var import_node_child_process = require("node:child_process");
var import_promises5 = require("node:fs/promises");
var os = __toESM(require("node:os"));
var INTERESTING_FLAGS = ["avx", "avx2", "avx512f", "avx512bw", "avx512vnni", "avx_vnni", "fma", "f16c", "sse4_2", "amx_int8", "neon", "asimd", "dotprod", "i8mm", "sve"];
async function readCpuFeatures() {
  if (process.platform !== "linux") return process.arch === "arm64" ? ["neon"] : [];
  try {
    const text = await (0, import_promises5.readFile)("/proc/cpuinfo", "utf8");
    const line = /^(flags|Features)\s*:\s*(.*)$/m.exec(text)?.[2] ?? "";
    const have = new Set(line.split(/\s+/));
    return INTERESTING_FLAGS.filter((f) => have.has(f));
  } catch {
    return [];
  }
}
function queryNvidiaSmi(timeoutMs = 3e3) {
  return new Promise((resolve3) => {
    (0, import_node_child_process.execFile)("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"], { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
      if (err) return resolve3(void 0);
      const first = stdout.split("\n").map((l) => l.trim()).filter(Boolean)[0];
      const m = first ? /^(.*),\s*(\d+)$/.exec(first) : null;
      resolve3(m ? { name: m[1].trim(), backend: "cuda", vramTotalBytes: Number(m[2]) * 1024 * 1024 } : void 0);
    });
  });
}
async function detectMachine(options = {}) {
  const features = await readCpuFeatures();
  const cpus2 = os.cpus();
  let gpu;
  let gpuSource = "none (no nvidia-smi; Vulkan and AMD GPUs are detected by the engine when it loads)";
  if (process.platform === "darwin" && process.arch === "arm64") {
    gpu = { name: cpus2[0]?.model ?? "Apple silicon", backend: "metal", vramTotalBytes: os.totalmem() * 0.75, unifiedMemory: true };
    gpuSource = "apple-silicon";
  } else if (options.probeGpu !== false) {
    gpu = await queryNvidiaSmi();
    if (gpu) gpuSource = "nvidia-smi";
  }
  return {
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus2[0]?.model?.trim() ?? "unknown",
    logicalCores: cpus2.length,
    cpuFeatures: features,
    cpuHasAvx2: features.includes("avx2") || process.arch === "x64" && features.length === 0,
    cpuHasAvx512: features.includes("avx512f"),
    totalRamBytes: os.totalmem(),
    freeRamBytes: os.freemem(),
    gpu,
    gpuSource
  };
}
function measureCopyBandwidth(bytes = 256 * 1024 * 1024, rounds = 3) {
  const a = Buffer.alloc(bytes, 1);
  const b = Buffer.alloc(bytes);
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    a.copy(b);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return 2 * bytes / best;
}

// src/cli/commands/doctor.ts
var USAGE3 = "usage: mixtral-local doctor [--json] [--model PATH] [--models-dir DIR] [--quantization LEVEL] [--context-size N] [--gpu-layers auto|max|N] [--experts N] [--source SRC] [--hash] [--no-bandwidth]\n";
function defaultCliModelsDirectory() {
  return process.env.MIXTRAL_MODELS_DIR || path4.join(os2.homedir(), ".cache", "mixtral-local", "models");
}
async function run3(args) {
  const raw = {};
  let json = false, hash = false, bandwidth = true;
  let modelsDir = defaultCliModelsDirectory();
  const valueOptions = {
    "--model": (v) => raw.modelPath = path4.resolve(v),
    "--models-dir": (v) => modelsDir = path4.resolve(v),
    "--quantization": (v) => raw.quantization = v,
    "--context-size": (v) => raw.contextSize = Number(v),
    "--gpu-layers": (v) => raw.gpuLayers = v === "auto" || v === "max" ? v : Number(v),
    "--experts": (v) => raw.expertsPerToken = Number(v),
    "--source": (v) => raw.downloadSource = v
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--json") json = true;
    else if (a === "--hash") hash = true;
    else if (a === "--no-bandwidth") bandwidth = false;
    else if (a === "--help" || a === "-h") {
      process.stdout.write(USAGE3);
      return 0;
    } else if (valueOptions[a] && i + 1 < args.length) valueOptions[a](args[++i]);
    else {
      process.stderr.write(`mixtral-local doctor: unknown or incomplete option ${a}
${USAGE3}`);
      return 2;
    }
  }
  const warnings = [];
  const settings = normalizeSettings((key) => raw[key], (m) => warnings.push(m.replace(/^mixtral\./, "--")));
  const machine = await detectMachine();
  if (bandwidth) machine.ramBandwidthBytesPerSec = measureCopyBandwidth();
  const report = await buildDoctorReport({ machine, settings, modelsDirectory: modelsDir, checkHash: hash });
  if (json) process.stdout.write(`${JSON.stringify({ ...report, warnings }, null, 2)}
`);
  else {
    for (const w of warnings) process.stderr.write(`warning: ${w}
`);
    process.stdout.write(renderDoctorMarkdown(report));
  }
  return report.modelFile.ok || !report.modelFile.exists && report.modelFile.source === "download" ? 0 : 1;
}

// src/cli/main.ts
var commands = {
  // Subcommands register here, one line each.
  fixture: { summary: "write the tiny Mixtral-architecture test GGUF", load: async () => fixture_exports },
  doctor: { summary: "report backend, GPU/RAM, model file checks, what fits and the speed ceiling (--json)", load: async () => doctor_exports },
  prompt: { summary: "print a conversation's prompt as Mixtral sees it (text, or token ids with --tokens)", load: async () => prompt_exports }
};
async function main(argv) {
  const [name, ...args] = argv;
  const command = name ? commands[name] : void 0;
  if (!command) {
    const list = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`).join("\n");
    process.stderr.write(`usage: mixtral-local <command> [options]

commands:
${list}
`);
    return name && name !== "--help" && name !== "help" ? 2 : 0;
  }
  return (await command.load()).run(args);
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`mixtral-local: ${err instanceof Error ? err.message : String(err)}
`);
    process.exitCode = 1;
  }
);
