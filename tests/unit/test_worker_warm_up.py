"""worker.js warms a restored Python up with states of one widget; they must be states Python
computes, or the warm-up would stop at its first (its errors are thrown away, no reader waits)."""

import json
import re
from pathlib import Path

from kdsite.core.states import compute_state_json

WORKER = Path(__file__).resolve().parents[2] / "kdsite" / "static" / "worker.js"


def test_the_warm_up_computes_every_state_it_asks_for():
    source = WORKER.read_text(encoding="utf-8")
    config = re.search(r"const WARM_UP_CONFIG =\s*'([^']*)';", source)[1]
    count = int(re.search(r"const WARM_UP_STATES = (\d+);", source)[1])
    call = re.search(r'computeStateJson\("([\w-]+)", WARM_UP_CONFIG, JSON\.stringify\(\{ temperature: i / (\d+) \}\)\)',
                     source)
    widget, divisor = call[1], int(call[2])
    for i in range(1, count + 1):
        state = json.loads(compute_state_json(widget, config, json.dumps({"temperature": i / divisor})))
        assert state["readouts"], state
