// The ceiling: a bare Fastify "hello" on loopback, the most any Fastify service here could
// answer on this machine in this run. Prints its port on stdout once listening.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${new URL(address).port}\n`);
