// SPDX-License-Identifier: MIT
// Sends DogStatsD timers, histograms and distributions with tags to Kodemon with npm's hot-shots, and prints
// what it sent as JSON for the test to compare with Kodemon's API.
//   node hotshots_send.mjs <port> <prefix>
import StatsD from 'hot-shots';

const [port, prefix] = process.argv.slice(2);
const errors = [];
const client = new StatsD({
  host: '127.0.0.1',
  port: Number(port),
  globalTags: { env: 'test', token: 'hot-shots' },
  errorHandler: (error) => errors.push(String(error)),
});
const sent = [];
const send = (kind, name, value, tags) =>
  new Promise((resolve) => {
    client[kind](name, value, tags, (error) => {
      if (error) errors.push(String(error));
      resolve();
    });
  });
for (let i = 0; i < 20; ++i) {
  const kind = ['timing', 'histogram', 'distribution'][i % 3];
  const name = `${prefix}.${kind}`;
  const value = 1.5 + i;
  const tags = { route: `/cart/${i % 2}`, attempt: String(i) };
  await send(kind, name, value, tags);
  sent.push({ name, value, tags });
}
await send('increment', `${prefix}.hits`, 1, {}); // counted, not stored
await new Promise((resolve) => client.close(resolve));
if (errors.length > 0) {
  console.error(errors.join('\n'));
  process.exit(1);
}
console.log(JSON.stringify(sent));
