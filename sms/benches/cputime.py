import os, subprocess, sys, statistics
# CPU time (user + system, from wait4) per `sms::analyze` call of the callgrind
# bench binary (sms/benches/callgrind.rs), for the four 1,530-char texts:
# runs with SMS_CG_N=n, minus the best of 3 runs with SMS_CG_N=0.
# usage: python3 sms/benches/cputime.py label <binary> 100000 5
label, binary, n, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
texts = ["gsm_1530", "gsm_extended_1530", "polish_1530", "polish_emoji_1530"]
def run(t, k):
    env = dict(os.environ, SMS_CG_TEXT=t, SMS_CG_N=str(k))
    p = subprocess.Popen([binary, "--exact", "analyze_n_times", "--test-threads", "1"], env=env, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    assert status == 0
    return ru.ru_utime + ru.ru_stime
for t in texts:
    base = min(run(t, 0) for _ in range(3))
    us = sorted((run(t, n) - base) / n * 1e6 for _ in range(reps))
    print(f"{label} {t} cpu us/call min {us[0]:.2f} median {statistics.median(us):.2f} max {us[-1]:.2f}", flush=True)
