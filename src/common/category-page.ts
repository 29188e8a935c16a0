/** A page of a store filtered by category, as a caller gives it (every field optional). */
export interface CategoryPageFilter {
  category?: string;
  limit?: number;
  offset?: number;
}

/** Rows in a page when the caller names no limit. */
export const DEFAULT_PAGE_SIZE = 100;

/** The page as the repositories take it: the category trimmed, the first DEFAULT_PAGE_SIZE rows by default. */
export function categoryPage(filter: CategoryPageFilter): {
  category: string | undefined;
  limit: number;
  offset: number;
} {
  return {
    category: filter.category ? filter.category.trim() : undefined,
    limit: filter.limit ?? DEFAULT_PAGE_SIZE,
    offset: filter.offset ?? 0,
  };
}
