// Kubernetes resource quantities ("1Gi", "500m", "1.5", "2e3") as plain numbers, so
// checks can compare sizes and CPU the way the API server does.

const binary: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const decimal: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const quantityPattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The value of a quantity in base units (bytes, cores), or undefined if it is not one. */
export function parseQuantity(quantity: string | number | undefined | null): number | undefined {
  if (quantity === undefined || quantity === null) return undefined;
  if (typeof quantity === 'number') return quantity;
  const match = quantityPattern.exec(quantity.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  if (match[2]) return value * 10 ** Number(match[2].slice(1));
  const suffix = match[3] ?? '';
  return value * (binary[suffix] ?? decimal[suffix] ?? 1);
}

/** True for strings the API server would accept as a quantity. */
export function isQuantity(text: string): boolean {
  return parseQuantity(text) !== undefined;
}
