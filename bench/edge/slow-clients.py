#!/usr/bin/env python3
"""Slow request bodies against a running Latchkey (issue 21); figures in docs/reliability.md.

    mvn -Prun                      # Latchkey on :8080, with server-config/payara/pre-boot-commands.asadmin
    bench/edge/slow-clients.py --port 8080 --slow 200 --seconds 15 [--sustain] [--probe /api/me]
    bench/edge/slow-clients.py --port 8080 --trickle

Opens --slow connections that each declare a 100-byte login body and send 9 bytes of it, then
times GET /ping (a fresh connection every 50 ms) for --seconds; --probe names another path to
time instead (/api/me without a token: its answer is a 401, counted as answered). With --sustain every slow
connection the server closes is opened again at once, as a determined attacker would. Prints the
probe's latency (p50, p99, max, failures: no answer, or a 5xx) and when and how the slow connections were closed.
With --trickle, one connection instead sends a 60-byte body one byte every 4 s, under the read
timeout each time, and the script prints when the server answered: the total request deadline.
Python's standard library only, so that it needs nothing installed.
"""
import argparse
import socket
import threading
import time

SLOW = (b'POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n'
        b'Content-Length: 100\r\n\r\n{"email":')

def main():
    args = argparse.ArgumentParser()
    args.add_argument('--host', default='127.0.0.1')
    args.add_argument('--port', type=int, default=8080)
    args.add_argument('--slow', type=int, default=200)
    args.add_argument('--seconds', type=float, default=15)
    args.add_argument('--sustain', action='store_true')
    args.add_argument('--trickle', action='store_true')
    args.add_argument('--probe', default='/ping')
    a = args.parse_args()
    if a.trickle:
        trickle(a)
        return
    start = time.monotonic()
    stop = threading.Event()
    closures = []  # (seconds after start the connection lived, first line of the answer)
    lock = threading.Lock()

    def slow_client():
        while True:
            opened = time.monotonic()
            try:
                s = socket.create_connection((a.host, a.port), timeout=120)
                s.sendall(SLOW)
                answer = s.recv(4096).split(b'\r\n')[0].decode('latin1') or 'closed'
                s.close()
            except OSError as e:
                answer = type(e).__name__
            with lock:
                closures.append((time.monotonic() - opened, answer))
            if not a.sustain or stop.is_set():
                return

    threads = [threading.Thread(target=slow_client, daemon=True) for _ in range(a.slow)]
    for t in threads:
        t.start()
    pings, failures = [], 0
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        before = time.monotonic()
        try:
            c = socket.create_connection((a.host, a.port), timeout=30)
            c.sendall(f'GET {a.probe} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'.encode('ascii'))
            status = c.recv(64).split(b' ')
            ok = len(status) > 1 and status[0] == b'HTTP/1.1' and status[1][:1] in (b'2', b'4')
            c.close()
        except OSError:
            ok = False
        pings.append(time.monotonic() - before)
        failures += 0 if ok else 1
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    pings.sort()
    p = lambda q: pings[max(0, int(len(pings) * q + 0.999) - 1)]
    print(f'{a.probe} x{len(pings)}: p50 {p(0.5):.3f} s, p99 {p(0.99):.3f} s, max {pings[-1]:.3f} s, failed {failures}')
    with lock:
        lived = sorted(x for x, _ in closures)
        answers = sorted({y for _, y in closures})
    if lived:
        print(f'slow connections closed: {len(lived)} (of {a.slow} open at a time{", reopened" if a.sustain else ""}),'
              f' each after {lived[0]:.1f} to {lived[-1]:.1f} s, answered {answers}')
    print(f'wall {time.monotonic() - start:.1f} s')

def trickle(a):
    s = socket.create_connection((a.host, a.port))
    s.settimeout(0.1)
    start = time.monotonic()
    s.sendall(b'POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n'
              b'Content-Length: 60\r\n\r\n{')
    for _ in range(59):
        time.sleep(4)
        try:
            s.sendall(b' ')
            answer = s.recv(4096)
        except socket.timeout:
            continue
        except OSError as e:
            print(f'trickle: connection failed after {time.monotonic() - start:.1f} s: {type(e).__name__}')
            return
        first = answer.split(b'\r\n')[0].decode('latin1') or 'closed'
        print(f'trickle: answered after {time.monotonic() - start:.1f} s: {first}')
        return
    print(f'trickle: the whole body arrived, no cut-off, after {time.monotonic() - start:.1f} s')

main()
