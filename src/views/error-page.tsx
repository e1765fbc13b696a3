/** Error pages for the shared onError / notFound handlers. */
import { Layout } from './layout'

export function ErrorPage({ status, message }: { status: number; message: string }) {
  return (
    <Layout title={message}>
      <section class="card narrow">
        <h1>{message}</h1>
        <p>
          {status === 404
            ? 'This page does not exist, or you do not have access to it.'
            : 'Something went wrong on our side. Nothing you saved was lost; please try again.'}
        </p>
        <p>
          <a href="/">Go to Leadpool</a>
        </p>
      </section>
    </Layout>
  )
}
