# The two commands a newcomer needs (see README.md).
.PHONY: run test bench e2e

## Install what is missing, build, seed demo data and serve on http://127.0.0.1:3000 (SQLite).
run:
	bash scripts/run.sh

## Install what tests need (Chromium, PostgreSQL, Playwright) and run every test.
test:
	bash scripts/test.sh

## Browser tests only, against the current debug build.
e2e:
	cd end2end && npx playwright test

## Benchmarks: bundle size, 1M-row order list, create throughput, page loads (prints one table).
bench:
	bash scripts/bench.sh
