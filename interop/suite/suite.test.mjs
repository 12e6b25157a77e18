// Loaded by run.mjs through mocha: registers every test of @libp2p/interop with our factory.
import { interopTests } from '@libp2p/interop'
import { factory } from './factory.mjs'

await interopTests(factory)
