import { runAck } from './ack.js';
const r = await runAck((l) => console.log(l));
const f = (s: any) => `p50 ${s.p50.toFixed(1)} p99 ${s.p99.toFixed(1)} max ${s.max.toFixed(1)}`;
console.log('trellis', f(r.trellis)); console.log('bare', f(r.bare));
console.log('single trellis', f(r.single.trellis), 'bare', f(r.single.bare));
console.log('ratio p99', (r.trellis.p99 / r.bare.p99).toFixed(2), 'failures', r.failures.length, r.stored, r.slackCalls);
console.log("cpu per burst", r.cpuPerBurst);
