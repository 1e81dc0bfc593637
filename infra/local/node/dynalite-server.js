#!/usr/bin/env node
// dynalite (cli.js) with one change of behaviour: a request the client aborts no longer ends the server.
// dynalite's handler rethrows a request's 'error' (ECONNRESET, "aborted") as an uncaught exception, and Node then
// exits; real DynamoDB just drops that request. kitbridge's DynamoDB client aborts calls on purpose (timeouts derived
// from the invocation's deadline), so without this one timed-out call took the store down for every later test.
'use strict'
const ABORTED = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE'])
process.on('uncaughtException', (err) => {
  if (err && (ABORTED.has(err.code) || err.message === 'aborted')) {
    console.error('dynalite: a client aborted its request (' + (err.code || err.message) + '); serving on')
    return
  }
  console.error(err)
  process.exit(1)
})
require('dynalite/cli.js')
