/** Runs fn over all items repeatedly for about `ms`, returns items per second (median of rounds). */
export function rate(items: readonly Buffer[], fn: (b: Buffer) => unknown, rounds = 5, minRoundMs = 400): number {
  for (const b of items.slice(0, Math.min(items.length, 500))) fn(b); // warm-up (JIT)
  const rates: number[] = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = performance.now();
    let elapsed = 0;
    do {
      for (const b of items) {
        const out = fn(b);
        if (out !== undefined) sink++;
      }
      n += items.length;
      elapsed = performance.now() - t0;
    } while (elapsed < minRoundMs);
    rates.push((n / elapsed) * 1000);
  }
  if (sink < 0) console.log(sink);
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

/** Async variant for contenders that return promises (sequential: one message at a time). */
export async function rateAsync(items: readonly Buffer[], fn: (b: Buffer) => Promise<unknown>, budgetMs = 3000): Promise<number> {
  for (const b of items.slice(0, 50)) await fn(b);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    await fn(items[n % items.length] as Buffer);
    n++;
  }
  return (n / (performance.now() - t0)) * 1000;
}
