/** The tested site config's path (`examples/docs/deployment/nginx.conf`). */
export const NGINX_CONFIG: string;
/** The docs' config with `upstreams` (`host:port`) as its servers and `port` as its listener. */
export function nginxSiteConfig(upstreams: string[], port: number): string;
/** A main nginx.conf keeping everything under `prefix` and including the file `site`. */
export function nginxMainConfig(prefix: string, site: string): string;
