// The square-size solver (uniformSolutions) against plain evaluation at every size: the bisection
// over interval bounds must find exactly the sizes that evaluation finds, for flattened sizes that
// grow with the image and for products that do not (a factor that turns negative).
import { describe, expect, it } from 'vitest';
import { add, dimToString, Expr, evaluateDim, floordiv, mul, sub, sym, uniformSolutions, type Dim } from '../../server/src/shapes/dim';

function bruteForce(e: Expr, target: number, max: number): number[] {
  const out: number[] = [];
  for (let h = 1; h <= max; h++) if (evaluateDim(e, { H: h, W: h }) === target) out.push(h);
  return out;
}

describe('uniformSolutions', () => {
  it('finds the square sizes of the article model (6 * 7 * 7 after two halvings)', () => {
    const side = (d: Dim) => add(floordiv(add(floordiv(add(floordiv(add(d, -1), 1), 1), 2), -1), 2), 1);
    const e = mul(mul(6, side(sym('H'))), side(sym('W'))) as Expr;
    expect(uniformSolutions(e, 294, 2048)).toEqual(bruteForce(e, 294, 2048));
    expect(uniformSolutions(e, 294, 2048)).toContain(28);
  });

  it('agrees with evaluation at every size on generated expressions', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 300; trial++) {
      let a: Dim = sym('H');
      let b: Dim = sym('W');
      for (let k = 0; k < 1 + random(4); k++) {
        const op = random(4);
        if (op === 0) a = add(floordiv(add(a, random(7) - 3), 1 + random(3)), 1);
        else if (op === 1) a = sub(a, random(5));
        else if (op === 2) b = floordiv(b, 1 + random(4));
        else b = add(b, random(5) - 2);
      }
      const e = random(3) === 0 ? mul(sub(a, 3), sub(b, random(6))) : mul(mul(1 + random(8), a), b);
      if (!(e instanceof Expr)) continue;
      for (const target of [evaluateDim(e, { H: 1 + random(200), W: 1 + random(200) }) ?? 0, random(500), 0]) {
        expect(uniformSolutions(e, target, 200)).toEqual(bruteForce(e, target, 200));
      }
    }
  });
});

describe('floor division chains', () => {
  it('compose into one division: ((H // 2) // 2) // 2 is H // 8', () => {
    expect(dimToString(floordiv(floordiv(floordiv(sym('H'), 2), 2), 2))).toBe('H // 8');
    // (H - 1) // 2 + 1, halved again: (H - 1 + 2) // 4.
    expect(dimToString(floordiv(add(floordiv(sub(sym('H'), 1), 2), 1), 2))).toBe('(H + 1) // 4');
  });

  it('agrees with Python floor division, step by step, at every size (negative ones too)', () => {
    const pyFloor = (x: number, d: number) => Math.floor(x / d);
    let seed = 5;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 200; trial++) {
      const steps = Array.from({ length: 1 + random(5) }, () => ({ add: random(9) - 4, div: 1 + random(5) }));
      let e: Dim = sym('H');
      for (const s of steps) e = floordiv(add(e, s.add), s.div);
      for (let h = -30; h <= 200; h++) {
        let want = h;
        for (const s of steps) want = pyFloor(want + s.add, s.div);
        expect(evaluateDim(e, { H: h })).toBe(want);
      }
    }
  });
});
