/**
 * The page shell every HTML page renders in: header with navigation, the organization switcher,
 * the signed-in person, and the self-hosted htmx script. Pages work the same without JavaScript;
 * htmx only enhances them. Pages are answered with `c.render(<Page />, { title })`: views/renderer.ts
 * `pageRenderer` (hono's jsxRenderer) writes `<!DOCTYPE html>` and wraps the page in `Layout`, and the shell
 * (user, organization, role, switcher) is read from the request context, never passed by hand.
 */
import type { Child } from 'hono/jsx'
import { useRequestContext } from 'hono/jsx-renderer'
import { shellOf } from '../access/context'
import { isManager, type Shell } from '../access/viewer'
import type { Role } from '../db/schema'
import type { App } from '../env'
import { assetPath } from './assets'
import { HTMX_CONFIG, PAGE_ALERT_ID } from './htmx-config'
import { NotificationBadge } from './notification-badge'

/** How roles are written to people. */
export const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', agent: 'Agent' }

/** How the layout frames a page: the second argument of `c.render(page, options)`, typed in views/renderer.ts. */
export type LayoutOptions = {
  /** The page's name in the window title, before " · Leadpool". */
  title: string
  /**
   * What the top bar shows: `org` (default) the organization's navigation when the page is inside
   * one, else the signed-in person; `user` only the signed-in person (error pages); `anonymous`
   * the log-in and sign-up links (the sign-up and log-in pages); `visitor` nothing of Leadpool, only `site` (the
   * pages a website's visitor meets after its form: the thank-you page and the form's refusals).
   */
  chrome?: 'org' | 'user' | 'anonymous' | 'visitor'
  /** With `chrome: 'visitor'`: the organization whose website the visitor came from, named in the top bar and title. */
  site?: string
  /**
   * The page keeps a WebSocket open through the htmx ws extension (`hx-ext="ws"`: the lead page, the pool):
   * only such pages load the extension, so the others weigh less on a first visit.
   */
  live?: boolean
  /**
   * The page follows its organization's changes over the organization's WebSocket (`/o/{slug}/live`, public/live-lists.js):
   * the lead list (`list`), My tasks (`tasks`), the team page (`team`), the notification feed (`feed`). Only these
   * pages load the script.
   */
  liveList?: 'list' | 'tasks' | 'team' | 'feed'
}

export type LayoutProps = LayoutOptions & { children?: Child }

/** The shell of the organization page being rendered (inside `c.render`, under `/o/{slug}`). */
export function useShell(): Shell {
  return shellOf(useRequestContext<App>())
}

/** The organization's name, or a switcher to the person's other organizations. */
function OrgSwitcher({ org, orgs }: Pick<Shell, 'org' | 'orgs'>) {
  const others = orgs.filter((o) => o.slug !== org.slug)
  if (others.length === 0) return <span class="org-name">{org.name}</span>
  return (
    <details class="switcher">
      <summary class="org-name">{org.name}</summary>
      <ul>
        {others.map((o) => (
          <li>
            <a href={`/o/${o.slug}/leads`}>{o.name}</a>
          </li>
        ))}
      </ul>
    </details>
  )
}

/**
 * The notification feed's link with the unread badge: beside the brand, outside the folding menu, so it
 * stays in sight on a phone (the word shows on wide screens only; screen readers always hear it).
 */
/** The link to the feed with the unread badge; `unread` reads the count (absent: 0). */
async function NotificationsLink({ slug, unread }: { slug: string; unread?: () => Promise<number> }) {
  const count = unread ? await unread() : 0
  return (
    <a href={`/o/${slug}/notifications`} class="notifications-link">
      <span class="notifications-label">Notifications </span>
      <NotificationBadge slug={slug} unread={count} />
      <span class="visually-hidden"> unread</span>
    </a>
  )
}

function OrgNav({ org, role }: Pick<Shell, 'org' | 'role'>) {
  const base = `/o/${org.slug}`
  const manager = isManager(role)
  return (
    <nav aria-label="Main">
      <a href={`${base}/leads`}>Leads</a>
      {(manager || org.poolEnabled) && <a href={`${base}/pool`}>Pool</a>}
      <a href={`${base}/tasks`}>My tasks</a>
      <a href={`${base}/leads/new`}>New lead</a>
      <a href={`${base}/leads/import`}>Import</a>
      <a href={`${base}/team`}>Team</a>
      <a href={`${base}/dashboard`}>Dashboard</a>
      {manager && <a href={`${base}/routing`}>Routing</a>}
      {manager && <a href={`${base}/settings`}>Settings</a>}
    </nav>
  )
}

/**
 * The page a website's visitor sees after posting its form: the organization's name and the page, no link into
 * Leadpool (no brand, log-in, sign-up or script), since the visitor is the organization's customer, not our user.
 */
function VisitorLayout({ title, site, children }: { title: string; site: string; children?: Child }) {
  const c = useRequestContext<App>()
  const asset = (path: string) => assetPath(c.var.assets, path)
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{site ? `${title} · ${site}` : title}</title>
        <link rel="stylesheet" href={asset('/app.css')} />
      </head>
      <body>
        <header class="topbar">{site && <span class="org-name">{site}</span>}</header>
        <main>{children}</main>
      </body>
    </html>
  )
}

export function Layout({ title, chrome = 'org', site, live = false, liveList, children }: LayoutProps) {
  const c = useRequestContext<App>()
  if (chrome === 'visitor') return <VisitorLayout title={title} site={site ?? ''} children={children} />
  const user = chrome === 'anonymous' ? null : (c.var.user ?? null)
  const shell = chrome === 'org' && user && c.var.orgContext ? shellOf(c) : null
  const { org, role, orgs } = shell ?? {}
  const asset = (path: string) => assetPath(c.var.assets, path)
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · Leadpool</title>
        <link rel="icon" href={asset('/favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={asset('/app.css')} />
        <meta name="htmx-config" content={JSON.stringify(HTMX_CONFIG)} />
        <script src={asset('/vendor/htmx.min.js')} defer></script>
        {live && <script src={asset('/vendor/htmx-ext-ws.min.js')} defer></script>}
        <script src={asset('/app.js')} defer></script>
        {liveList && org && <script src={asset('/live-lists.js')} defer></script>}
      </head>
      <body>
        {/*
          The top bar: brand and organization always; on narrow screens the navigation and the person fold
          into the "Menu" disclosure (public/app.css shows its content inline on wide screens). An item that
          must stay in sight on a phone (a badge) goes beside the brand, before the menu.
        */}
        <header class="topbar">
          <a class="brand" href={org ? `/o/${org.slug}/leads` : '/'}>
            Leadpool
          </a>
          {org && orgs && <OrgSwitcher org={org} orgs={orgs} />}
          {org && user && <NotificationsLink slug={org.slug} unread={c.var.unreadNotifications} />}
          {user ? (
            <details class="nav-menu">
              <summary>Menu</summary>
              <div class="nav-body">
                {org && role && <OrgNav org={org} role={role} />}
                <form method="post" action="/logout" class="me">
                  <a href="/account" title="Your account">
                    {user.name}
                  </a>
                  {role && <span class="role">{ROLE_LABELS[role]}</span>} <button type="submit">Log out</button>
                </form>
              </div>
            </details>
          ) : (
            <div class="me">
              <a href="/login">Log in</a> <a href="/signup">Sign up</a>
            </div>
          )}
        </header>
        {/* Refusals of htmx requests show here (views/render-error.tsx). */}
        <div id={PAGE_ALERT_ID} class="page-alert" aria-live="assertive"></div>
        <main>{children}</main>
        {liveList && org && <div id="org-live" hidden data-live={liveList} data-live-url={`/o/${org.slug}/live`} />}
      </body>
    </html>
  )
}
