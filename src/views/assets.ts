/**
 * Links to the static files under fingerprinted names: scripts/vendor.mjs writes a copy of each linked file
 * as `/assets/{name}.{hash}.{ext}` (served `Cache-Control: public, max-age=31536000, immutable` by
 * public/_headers) and `/assets/manifest.json` mapping each plain path to its copy. The Worker reads the
 * manifest once per isolate through the ASSETS binding; without one (the vitest runtime, where the script
 * has not run) pages link the plain paths, which the assets layer serves revalidated.
 */
import type { MiddlewareHandler } from 'hono'
import type { App } from '../env'

/** Plain path (e.g. `/app.css`) → fingerprinted path (e.g. `/assets/app.ba75a57a32e5.css`). */
export type AssetManifest = Record<string, string>

let loaded: Promise<AssetManifest> | null = null

/** The manifest through `assets`; a missing one (404: scripts/vendor.mjs has not run) is none, anything else throws. */
async function readManifest(assets: Fetcher): Promise<AssetManifest> {
  const res = await assets.fetch('https://assets.invalid/assets/manifest.json')
  if (res.status === 404) return {}
  if (!res.ok) throw new Error(`asset manifest answered ${res.status}`)
  return res.json<AssetManifest>()
}

/** Middleware putting the manifest on `c.var.assets` (read once per isolate; a failed read is tried again). */
export function assetManifest(): MiddlewareHandler<App> {
  return async (c, next) => {
    loaded ??= readManifest(c.env.ASSETS).catch((error: unknown) => {
      console.error('asset manifest not read; linking plain paths', error)
      loaded = null
      return {}
    })
    c.set('assets', await loaded)
    await next()
  }
}

/** The path to link for the static file `path` (its fingerprinted copy when there is one). */
export function assetPath(manifest: AssetManifest | undefined, path: string): string {
  return manifest?.[path] ?? path
}
