/**
 * The agent's calculator: a recursive-descent evaluator for arithmetic, written out so that no model
 * output ever reaches eval or Function. Numbers (with exponents), + - * / % ^ (or **), parentheses,
 * unary minus, the constants pi and e, and sqrt abs round floor ceil min max log exp sin cos tan.
 */
export class ArithmeticError extends Error {
  override readonly name = "ArithmeticError";
}

const MAX_LENGTH = 2000;
const MAX_DEPTH = 100;

const FUNCTIONS: Record<string, { arity: [number, number]; apply: (...args: number[]) => number }> = {
  sqrt: { arity: [1, 1], apply: Math.sqrt },
  abs: { arity: [1, 1], apply: Math.abs },
  round: { arity: [1, 2], apply: (value, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits },
  floor: { arity: [1, 1], apply: Math.floor },
  ceil: { arity: [1, 1], apply: Math.ceil },
  min: { arity: [1, 100], apply: Math.min },
  max: { arity: [1, 100], apply: Math.max },
  /** Natural logarithm; `log(x, base)` for another base. */
  log: { arity: [1, 2], apply: (value, base) => (base === undefined ? Math.log(value) : Math.log(value) / Math.log(base)) },
  exp: { arity: [1, 1], apply: Math.exp },
  sin: { arity: [1, 1], apply: Math.sin },
  cos: { arity: [1, 1], apply: Math.cos },
  tan: { arity: [1, 1], apply: Math.tan },
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

type Token = { kind: "number"; value: number } | { kind: "name"; value: string } | { kind: "symbol"; value: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/%^(),×÷]))/iy;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match) throw new ArithmeticError(`Unexpected "${expression.slice(index).trim().slice(0, 10)}" at position ${index + 1}.`);
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: "number", value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: "name", value: match[2].toLowerCase() });
    else if (match[3] !== undefined) tokens.push({ kind: "symbol", value: match[3] === "**" ? "^" : match[3] === "×" ? "*" : match[3] === "÷" ? "/" : match[3] });
  }
  return tokens;
}

/** Evaluates `expression`; throws ArithmeticError with a message a model can act on. */
export function evaluateArithmetic(expression: string): number {
  if (expression.length > MAX_LENGTH) throw new ArithmeticError(`The expression is too long (${MAX_LENGTH} characters at most).`);
  const tokens = tokenize(expression);
  if (tokens.length === 0) throw new ArithmeticError("The expression is empty.");
  let position = 0;
  let depth = 0;
  const peek = (): Token | undefined => tokens[position];
  const isSymbol = (value: string): boolean => {
    const token = peek();
    return token?.kind === "symbol" && token.value === value;
  };
  const expect = (value: string): void => {
    if (!isSymbol(value)) throw new ArithmeticError(`Expected "${value}"${peek() ? ` before "${String(peek()?.value)}"` : " at the end"}.`);
    position += 1;
  };
  const nested = <T>(parse: () => T): T => {
    depth += 1;
    if (depth > MAX_DEPTH) throw new ArithmeticError("The expression is nested too deeply.");
    try {
      return parse();
    } finally {
      depth -= 1;
    }
  };

  const parseExpression = (): number =>
    nested(() => {
      let value = parseTerm();
      while (isSymbol("+") || isSymbol("-")) {
        const operator = tokens[position++]?.value;
        const right = parseTerm();
        value = operator === "+" ? value + right : value - right;
      }
      return value;
    });
  const parseTerm = (): number => {
    let value = parseUnary();
    while (isSymbol("*") || isSymbol("/") || isSymbol("%")) {
      const operator = tokens[position++]?.value;
      const right = parseUnary();
      if ((operator === "/" || operator === "%") && right === 0) throw new ArithmeticError("Division by zero.");
      value = operator === "*" ? value * right : operator === "/" ? value / right : value % right;
    }
    return value;
  };
  // Unary minus binds looser than ^, as in mathematics: -2^2 is -4.
  const parseUnary = (): number =>
    nested(() => {
      if (isSymbol("-")) {
        position += 1;
        return -parseUnary();
      }
      if (isSymbol("+")) {
        position += 1;
        return parseUnary();
      }
      return parsePower();
    });
  const parsePower = (): number => {
    const base = parsePrimary();
    if (!isSymbol("^")) return base;
    position += 1;
    return base ** parseUnary();
  };
  const parsePrimary = (): number => {
    const token = peek();
    if (!token) throw new ArithmeticError("The expression ends too early.");
    position += 1;
    if (token.kind === "number") return token.value;
    if (token.kind === "symbol") {
      if (token.value !== "(") throw new ArithmeticError(`Unexpected "${token.value}".`);
      const value = parseExpression();
      expect(")");
      return value;
    }
    const constant = Object.hasOwn(CONSTANTS, token.value) ? CONSTANTS[token.value] : undefined;
    if (constant !== undefined && !isSymbol("(")) return constant;
    const fn = Object.hasOwn(FUNCTIONS, token.value) ? FUNCTIONS[token.value] : undefined;
    if (!fn) throw new ArithmeticError(`Unknown name "${token.value}". Functions: ${Object.keys(FUNCTIONS).join(", ")}; constants: pi, e.`);
    expect("(");
    const args = [parseExpression()];
    while (isSymbol(",")) {
      position += 1;
      args.push(parseExpression());
    }
    expect(")");
    if (args.length < fn.arity[0] || args.length > fn.arity[1]) {
      const [least, most] = fn.arity;
      throw new ArithmeticError(`${token.value} takes ${least === most ? least : `${least} to ${most}`} argument${most === 1 ? "" : "s"}, not ${args.length}.`);
    }
    return fn.apply(...args);
  };

  const result = parseExpression();
  if (position < tokens.length) throw new ArithmeticError(`Unexpected "${String(tokens[position]?.value)}" after a complete expression.`);
  if (!Number.isFinite(result)) throw new ArithmeticError(`The result is not a finite number (${result}).`);
  return result;
}
