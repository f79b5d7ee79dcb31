#!/usr/bin/env python3
"""An example host of google-ds in Python: configures a connector, runs a dry run, syncs into
an in-memory user table, and signs a user in with Google (code flow) and with an app password.

    python3 hosts/python/example.py --lib target/release/libgoogle_ds.so --config FILE \\
        [--login-hint EMAIL] [--login LOGIN --password APP_PASSWORD]

--login-hint runs the browser sign-in; against the emulator the authorization endpoint signs
the hinted account in at once, so this script plays the browser. Against Google, open the
printed URL in a browser instead. Exit codes: 0 done, 2 configuration error, 3 Google error,
4 partial sync, 5 sign-in refused, 1 anything else.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # keep the source tree clean when run from it
import google_ds  # noqa: E402

EXIT_CODES = {
    google_ds.PARTIAL: 4,
    google_ds.INVALID_ARGUMENT: 2,
    google_ds.CONFIG_ERROR: 2,
    google_ds.CREDENTIALS_ERROR: 2,
    google_ds.AUTHORIZATION_ERROR: 3,
    google_ds.GOOGLE_ERROR: 3,
    google_ds.NETWORK_ERROR: 3,
}


class UserTable:
    """The host's own users, keyed by login, kept between syncs."""

    def __init__(self):
        self.users = {}

    def host_users(self):
        return [dict(user, login=login) for login, user in self.users.items()]

    def apply(self, change):
        kind, login = change["kind"], change["login"]
        if kind == "delete":
            if self.users.pop(login, None) is None:
                return f"no user {login} to delete"
            return None
        if kind == "update" and change["previous_login"]:
            if change["previous_login"] not in self.users:
                return f"no user {change['previous_login']} to rename"
            self.users[login] = self.users.pop(change["previous_login"])
        if kind == "create" and login in self.users:
            return f"{login} exists already"
        self.users[login] = {
            "managed": True,
            "google_id": change["google_id"],
            "full_name": change["full_name"],
            "primary_email": change["primary_email"],
            "fingerprint": change["fingerprint"],
        }
        return None


def log(level, target, message):
    if level in ("ERROR", "WARN"):
        print(f"[{level} {target}] {message}", file=sys.stderr)


def counts(report):
    c = report["counts"]
    return (
        f"listed {c['listed']}, in scope {c['in_scope']}: create {c['create']}, "
        f"update {c['update']}, unchanged {c['unchanged']}, delete {c['delete']}"
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def play_browser(url):
    """Opens the authorization URL and returns the query of the redirect it answers with
    (the emulator signs the hinted account in without a page)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as redirect:
        location = redirect.headers.get("Location")
        if redirect.code in (302, 303) and location:
            return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        raise
    raise RuntimeError("the authorization endpoint did not redirect (a browser is needed)")


def browser_sign_in(connector, config, login_hint):
    redirect_uri = next(
        uri for uri in config["oidc"]["redirect_uris"] if uri.startswith("http://127.0.0.1")
    )
    start = connector.authorization_url({"redirect_uri": redirect_uri, "login_hint": login_hint})
    print(f"  open in a browser: {start['url']}")
    callback = play_browser(start["url"])
    if callback.get("state") != start["state"]:
        raise RuntimeError("the redirect's state is not this sign-in's")
    return connector.authenticate(
        {
            "code": callback["code"],
            "redirect_uri": redirect_uri,
            "code_verifier": start["code_verifier"],
            "nonce": start["nonce"],
        }
    )


def describe(answer):
    if answer["refused"]:
        return f"refused ({answer['reason']}): {answer['message']}"
    return f"signed in: {answer['login']} (Google id {answer['google_id']}, by {answer['method']})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", default=os.environ.get("GOOGLE_DS_LIB", "libgoogle_ds.so"))
    parser.add_argument("--config", required=True)
    parser.add_argument("--login-hint")
    parser.add_argument("--login")
    parser.add_argument("--password")
    args = parser.parse_args()

    library = google_ds.Library(args.lib)
    print(f"google-ds {library.version()} from {args.lib}")
    with open(args.config, encoding="utf-8") as file:
        config = json.load(file)
    table = UserTable()
    with library.configure(config) as connector:
        status, report, error = connector.test(table.host_users(), log=log)
        print(f"dry run: {counts(report)}")
        if error:
            raise error

        status, report, error = connector.sync(table.host_users(), table.apply, log=log)
        c = report["counts"]
        print(f"sync: applied {c['applied']}, failed {c['failed']}; host has {len(table.users)}")
        if error:
            raise error

        status, report, error = connector.test(table.host_users(), log=log)
        print(f"dry run again: {counts(report)}")

        signed_in = []
        if args.login_hint:
            answer = browser_sign_in(connector, config, args.login_hint)
            print(f"Sign in with Google: {describe(answer)}")
            if answer["refused"]:
                return 5
            signed_in.append(answer["login"])
        if args.login:
            answer = connector.authenticate({"login": args.login, "password": args.password})
            print(f"app password: {describe(answer)}")
            if answer["refused"]:
                return 5
            signed_in.append(answer["login"])
            wrong = connector.authenticate({"login": args.login, "password": "not it"})
            print(f"wrong app password: {describe(wrong)}")
        print(
            f"python host: created={len(table.users)} unchanged={report['counts']['unchanged']} "
            f"signed_in={','.join(signed_in)}"
        )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except google_ds.DsError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(EXIT_CODES.get(error.status, 1))
