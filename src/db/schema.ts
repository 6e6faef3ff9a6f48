// The database schema, one file per domain under schema/; drizzle-kit reads the tables from here.
export * from './schema/incidents.js';
export * from './schema/outbox.js';
export * from './schema/paging.js';
export * from './schema/people.js';
export * from './schema/postmortems.js';
export * from './schema/alerts.js';
export * from './schema/oncall.js';
export * from './schema/console.js';
export * from './schema/statuspage.js';
export * from './schema/heartbeats.js';
export * from './schema/checklists.js';
export * from './schema/webhooks.js';
export * from './schema/services.js';
export * from './schema/workflows.js';
