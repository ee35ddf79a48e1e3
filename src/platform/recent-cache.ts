/**
 * A bounded cache that keeps what was used recently: two generations of at most `generationSize`
 * entries each. When the current one fills up, the older one is dropped and the current becomes the
 * older; a hit in the older is carried over to the current. Memory stays bounded (≤ 2 × size entries)
 * while a long file's frequent keys (a loyal customer's phone) stay cached, unlike clearing one map
 * whenever it is full.
 */
export class RecentCache<K, V> {
  private current = new Map<K, V>();
  private older = new Map<K, V>();

  constructor(private readonly generationSize: number) {}

  get(key: K): V | undefined {
    const hit = this.current.get(key);
    if (hit !== undefined) return hit;
    const old = this.older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.current.size >= this.generationSize) {
      this.older = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  get size(): number {
    return this.current.size + this.older.size;
  }
}
