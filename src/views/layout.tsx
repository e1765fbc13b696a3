/**
 * The page shell every HTML page renders in: header with navigation, the signed-in person, and the
 * self-hosted htmx script. Pages without JavaScript work the same; htmx only enhances them.
 */
import type { Child } from 'hono/jsx'

export type LayoutProps = {
  title: string
  user?: { name: string } | null
  /** The organization in view, for the navigation links. */
  org?: { name: string; slug: string } | null
  children?: Child
}

export function Layout({ title, user, org, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · Leadpool</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/app.css" />
        <script src="/vendor/htmx.min.js" defer></script>
        <script src="/app.js" defer></script>
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href={org ? `/o/${org.slug}/leads` : '/'}>
            Leadpool
          </a>
          {org && (
            <nav>
              <span class="org-name">{org.name}</span>
              <a href={`/o/${org.slug}/leads`}>Leads</a>
              <a href={`/o/${org.slug}/leads/new`}>New lead</a>
              <a href={`/o/${org.slug}/leads/import`}>Import</a>
            </nav>
          )}
          <div class="me">
            {user ? (
              <form method="post" action="/logout">
                <span>{user.name}</span> <button type="submit">Log out</button>
              </form>
            ) : (
              <>
                <a href="/login">Log in</a> <a href="/signup">Sign up</a>
              </>
            )}
          </div>
        </header>
        <main>{children}</main>
      </body>
    </html>
  )
}
