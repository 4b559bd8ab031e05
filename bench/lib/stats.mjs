// The median of repetitions (upper median for even counts: a real measured value).
export const median = (xs) => {
  const vals = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  return vals.length ? vals[Math.floor(vals.length / 2)] : null;
};
