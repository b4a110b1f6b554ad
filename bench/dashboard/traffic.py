"""Mixed traffic against a running Latchkey for the dashboard run (bench/dashboard/run.sh).

Each worker is one user: it signs in, calls /api/me, refreshes, now and then replays an old
refresh token (reuse detection), guesses wrong passwords (some until the account's budget is
spent), and signs out. Standard library only.

    python3 traffic.py <base url> <seconds> [workers]
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

PASSWORD = "Dashboard-password-0001!"


class Client:
    def __init__(self, base):
        parsed = urllib.parse.urlparse(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies = {}

    def send(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        all_headers = dict(headers or {})
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie = rest.split(";")[0]
                if "Max-Age=0" in value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie
        connection.close()
        return response.status, data

    def csrf(self):
        return {"X-CSRF-Token": self.cookies.get("__Host-latchkey-csrf", "")}


def worker(base, deadline, index):
    email = f"dashboard-{index}-{random.randrange(10**9)}@bench.example"
    client = Client(base)
    client.send("POST", "/auth/register", {"email": email, "password": PASSWORD})
    while time.time() < deadline:
        client.cookies.clear()
        status, body = client.send("POST", "/auth/login", {"email": email, "password": PASSWORD})
        if status != 200:
            time.sleep(1)
            continue
        token = json.loads(body)["access_token"]
        first_refresh = client.cookies.get("__Secure-latchkey-refresh")
        for _ in range(random.randint(5, 20)):
            client.send("GET", "/api/me", headers={"Authorization": f"Bearer {token}"})
        for _ in range(random.randint(1, 3)):
            status, body = client.send("POST", "/auth/refresh", headers=client.csrf())
            if status == 200:
                token = json.loads(body)["access_token"]
            client.send("GET", "/api/me", headers={"Authorization": f"Bearer {token}"})
        roll = random.random()
        if roll < 0.1 and first_refresh:
            # A copy of an old refresh token comes back: reuse detection ends the session.
            saved = dict(client.cookies)
            client.cookies["__Secure-latchkey-refresh"] = first_refresh
            client.send("POST", "/auth/refresh", headers=client.csrf())
            client.cookies = saved
        elif roll < 0.3:
            client.send("POST", "/auth/login", {"email": email, "password": "not the password at all"})
        elif roll < 0.33:
            # Someone guessing: until the account's failure budget is spent (429).
            for guess in range(12):
                client.send("POST", "/auth/login", {"email": email, "password": f"guess number {guess}"})
        client.send("POST", "/auth/logout", headers={**client.csrf(), "Authorization": f"Bearer {token}"})
        time.sleep(random.uniform(0.05, 0.3))


def main():
    base, seconds = sys.argv[1], float(sys.argv[2])
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    deadline = time.time() + seconds
    threads = [threading.Thread(target=worker, args=(base, deadline, i), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
