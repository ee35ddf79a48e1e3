/** The 360° view: golden record with provenance, merged records, merge history, one timeline over every channel. */
export { type IdentifyCursor, type IdentifyEvent, listIdentifyEvents } from './list-identify-events.ts';
export { listProfileSources, listTimeline, type TimelineItem, type TimelineQuery } from './list-timeline.ts';
export { profilesRoutes } from './profiles.routes.ts';
