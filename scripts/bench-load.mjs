// The benchmark's load driver, run as a second process by scripts/bench.mjs: for each job in turn, sends
// `amount` requests with autocannon (one connection unless the job says otherwise) and prints a JSON
// array: per job, each response's time (ms), the status codes seen and autocannon's requests per second.
// Usage: node scripts/bench-load.mjs '[{"url": "...", "amount": 20, "headers": {"cookie": "..."}}, ...]'
import autocannon from 'autocannon'

function run(options) {
  return new Promise((resolve, reject) => {
    const times = []
    const statuses = {}
    const instance = autocannon({ connections: 1, ...options }, (error, result) => {
      if (error) reject(error)
      else resolve({ times, statuses, rps: result.requests.average })
    })
    instance.on('response', (_client, status, _bytes, ms) => {
      times.push(ms)
      statuses[status] = (statuses[status] ?? 0) + 1
    })
  })
}

const results = []
for (const job of JSON.parse(process.argv[2])) results.push(await run(job))
process.stdout.write(JSON.stringify(results))
