/**
 * nginx configs built from the tested site config that docs/deployment.md shows
 * (`examples/docs/deployment/nginx.conf`): only its upstream servers and its `listen` line are
 * replaced. Shared by the cluster tests (packages/test-utils) and `npm run demo:cluster`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The tested config, as the docs show it. */
export const NGINX_CONFIG = fileURLToPath(
  new URL('../docs/deployment/nginx.conf', import.meta.url),
);

/** The docs' config with `upstreams` (`host:port`) as its servers and `port` as its listener. */
export function nginxSiteConfig(upstreams, port) {
  const site = readFileSync(NGINX_CONFIG, 'utf8');
  const servers = /^( *)server \S+ (.*);\n/m;
  const first = servers.exec(site);
  if (!first) throw new Error(`${NGINX_CONFIG} has no upstream server line`);
  const [, pad, params] = first;
  const lines = upstreams.map((u) => `${pad}server ${u} ${params};\n`).join('');
  return site
    .replace(/^ *server \d+\.\d+\.\d+\.\d+:\d+ .*;\n/gm, '')
    .replace(/(upstream synapse \{\n(?: *#.*\n)*)/, `$1${lines}`)
    .replace(/^( *)listen 80;$/m, `$1listen 127.0.0.1:${port};`);
}

/**
 * What Debian's /etc/nginx/nginx.conf would give, inside the directory `prefix` (pid, temp
 * files) and including `site`; errors go to stderr, nothing to an access log.
 */
export function nginxMainConfig(prefix, site) {
  return `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  include ${site};
}
`;
}
