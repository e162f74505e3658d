export { startServer, type ServeOptions, type RunningServer } from './server.js';
export { parseGoRFC3339 } from './go-time.js';
