import { type DependencyList, useCallback, useState } from 'react';
import type { Page } from './types';
import { type ApiState, useApi } from './use-api';

// A type, not an interface, so that it passes as query parameters.
export type Paging = { page: number; pageSize: number };

export interface PagedApiState<P extends Page<unknown>> extends ApiState<P> {
  paging: Paging;
  setPaging: (paging: Paging) => void;
  /** Back to page 1, e.g. when a filter changes. */
  firstPage: () => void;
}

/** One page of a server-paged list, loaded again when the page, the page size or `deps` change. */
export const usePagedApi = <P extends Page<unknown>>(load: (paging: Paging) => Promise<P>, deps: DependencyList, pageSize = 20): PagedApiState<P> => {
  const [paging, setPaging] = useState<Paging>({ page: 1, pageSize });
  const state = useApi(() => load(paging), [...deps, paging.page, paging.pageSize]);
  const firstPage = useCallback(() => setPaging((p) => (p.page === 1 ? p : { ...p, page: 1 })), []);
  return { ...state, paging, setPaging, firstPage };
};
