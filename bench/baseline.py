"""The baseline: Google's official Python client (google-api-python-client with google-auth),
used the way an administrator's script uses it. Pages are read one after the other with the
largest page size, whole resources are asked for (no partial response), and nested groups are
followed by listing each nested group's members in turn.

Writes {"ids": [Google ids of the users in scope, sorted], "seconds": time spent fetching}.
"""

import argparse
import json
import time

from google.oauth2 import service_account
from googleapiclient.discovery import build

SCOPES = [
    "https://www.googleapis.com/auth/admin.directory.user.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--domains", default="")
    parser.add_argument("--groups", default="")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    domains = [d for d in args.domains.split(",") if d]
    groups = [g for g in args.groups.split(",") if g]

    credentials = service_account.Credentials.from_service_account_file(
        args.key_file, scopes=SCOPES, subject=args.admin
    )
    service = build(
        "admin",
        "directory_v1",
        credentials=credentials,
        static_discovery=True,
        client_options={"api_endpoint": args.base_url + "/"},
    )

    started = time.perf_counter()
    users = []
    sources = [{"domain": d} for d in domains] or [{"customer": "my_customer"}]
    for source in sources:
        request = service.users().list(maxResults=500, **source)
        while request is not None:
            page = request.execute()
            users.extend(page.get("users", []))
            request = service.users().list_next(request, page)
    in_scope = {u["id"] for u in users if not u.get("suspended") and not u.get("archived")}

    if groups:
        members, whole_organisation = set(), False
        walked, pending = set(), list(groups)
        while pending:
            group = pending.pop()
            if group in walked:
                continue
            walked.add(group)
            request = service.members().list(groupKey=group, maxResults=200)
            while request is not None:
                page = request.execute()
                for member in page.get("members", []):
                    kind = member.get("type")
                    if kind == "USER":
                        members.add(member["id"])
                    elif kind == "GROUP":
                        pending.append(member["id"])
                    elif kind == "CUSTOMER":
                        whole_organisation = True
                request = service.members().list_next(request, page)
        if not whole_organisation:
            in_scope &= members

    seconds = time.perf_counter() - started
    with open(args.out, "w") as out:
        json.dump({"ids": sorted(in_scope), "seconds": seconds}, out)


if __name__ == "__main__":
    main()
