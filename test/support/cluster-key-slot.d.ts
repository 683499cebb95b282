// The hash-slot function ioredis itself uses (a dependency of ioredis); it ships no types.
declare module 'cluster-key-slot' {
  /** Redis Cluster hash slot (0–16383) of a key, honouring a `{hash tag}`. */
  export default function calculateSlot(key: string | Buffer): number;
}
