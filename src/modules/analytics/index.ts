/** KPIs and dashboards; reads other modules only through the analytics_* views. */

export { analyticsRoutes } from './analytics.routes.ts';
export { getOverview, type Overview } from './overview.ts';
