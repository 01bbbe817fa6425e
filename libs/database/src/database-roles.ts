/**
 * Privileges are granted to this NOLOGIN role, never to a login: migrations need a name that
 * does not depend on configuration, and the service login (DATABASE_USER) is made a member.
 * It is cluster-wide, shared by every database of the deployment (and the test databases).
 */
export const APP_PRIVILEGES_ROLE = 'trace_service';
