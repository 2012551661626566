// The load profile tcplb is measured against: ramp to 1000 virtual users in 20 s,
// hold 1000 for a minute, ramp down in 20 s. Each user sends one request a second.
//
//   k6 run k6/script.js                                   # against http://localhost:7777
//   k6 run -e BASE_URL=http://tcplb:7777 k6/script.js
//   docker compose --profile loadtest run --rm k6         # see docker-compose.yml
//
// The thresholds make k6 exit non-zero (99) when they fail, so CI can gate on them.
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:7777';

export const options = {
  stages: [
    { duration: '20s', target: 1000 },
    { duration: '1m', target: 1000 },
    { duration: '20s', target: 0 },
  ],
  // p(99) too, for the summary the loadtest workflow publishes.
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  thresholds: {
    http_req_failed: ['rate==0'],
    http_req_duration: ['p(95)<250'],
    checks: ['rate==1'],
  },
};

export default function () {
  const res = http.get(`${BASE_URL}/test_endpoint`);
  check(res, { 'status is 200': (r) => r.status === 200 });
  sleep(1);
}
