// The lesson pages' first script starts the database's downloads (the wasm, the Postgres files,
// the lesson's snapshot) and its worker as the HTML is parsed, half a second before the app's
// code has loaded and asked for them; the engine takes each from here instead of starting it
// again. Not `<link rel=preload>`: a preloaded fetch the page does not claim in time is
// downloaded twice, and a worker cannot be preloaded.

const globalName = '__cutoverEarly'

interface EarlyStarts {
  downloads: Record<string, Promise<Response | undefined> | undefined>
  workers: Record<string, EarlyWorker | undefined>
}

/** A worker the page's first script started, with why it failed to load if it did before the engine listened. */
export interface EarlyWorker {
  worker: Worker
  failure?: string
}

/**
 * The inline script that starts downloading `urls` and starts the worker at `workerUrl` (a
 * network failure leaves the engine to fetch again; a worker that fails to load says so).
 */
export function earlyStartScript(urls: readonly string[], workerUrl: string): string {
  return `(function(){var e=window.${globalName}=window.${globalName}||{downloads:{},workers:{}};${JSON.stringify(urls)}.forEach(function(u){if(!e.downloads[u])e.downloads[u]=fetch(u).catch(function(){})});var w=${JSON.stringify(workerUrl)};if(!e.workers[w]&&window.Worker){var s={worker:new Worker(w,{type:'module',name:'cutover-database'})};s.worker.addEventListener('error',function(v){s.failure=v.message||'the worker failed to load'});e.workers[w]=s}})()`
}

function earlyStarts(): EarlyStarts | undefined {
  return (globalThis as { [globalName]?: EarlyStarts })[globalName]
}

/** The response the page's first script began for `url`, once (a body can be read only once). */
export function takeEarlyDownload(url: string): Promise<Response | undefined> | undefined {
  const downloads = earlyStarts()?.downloads
  const download = downloads?.[url]
  if (downloads) delete downloads[url]
  return download
}

/** The worker the page's first script started from `url`, once. */
export function takeEarlyWorker(url: string): EarlyWorker | undefined {
  const workers = earlyStarts()?.workers
  const worker = workers?.[url]
  if (workers) delete workers[url]
  return worker
}
