/** What the gateway's byte cache holds: time slices, assembled answers, answers handed on, the type lookup. */
export const CACHE_KINDS = ['slice', 'answer', 'as-is', 'types'] as const;
export type CacheKind = (typeof CACHE_KINDS)[number];
