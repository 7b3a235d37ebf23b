-- Paced load for run-overhead.sh: each connection waits 2 ms between requests, so the offered
-- load is fixed (about connections × 450 req/s) and far below saturation.
function delay()
   return 2
end
