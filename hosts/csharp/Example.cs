// An example host of google-ds in C#: configures a connector, runs a dry run, syncs into an
// in-memory user table, and signs a user in with Google (code flow) and with an app password.
//
//   mcs -out:example.exe hosts/csharp/*.cs
//   LD_LIBRARY_PATH=target/release mono example.exe --config FILE \
//       [--login-hint EMAIL] [--login LOGIN --password APP_PASSWORD]
//
// --login-hint runs the browser sign-in; the emulator signs the hinted account in at once, so
// this program plays the browser (against Google, open the printed URL in a browser).
// Exit codes: 0 done, 2 configuration error, 3 Google error, 4 partial sync, 5 refused.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;

namespace GoogleDs
{
    public static class Example
    {
        /// The host's users, keyed by login.
        static readonly Dictionary<string, HostUser> Users = new Dictionary<string, HostUser>();

        public static int Main(string[] args)
        {
            var options = ParseArguments(args);
            try
            {
                return Run(options);
            }
            catch (DsException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                switch (e.Status)
                {
                    case Status.InvalidArgument:
                    case Status.ConfigError:
                    case Status.CredentialsError:
                        return 2;
                    case Status.AuthorizationError:
                    case Status.GoogleError:
                    case Status.NetworkError:
                        return 3;
                    default:
                        return 1;
                }
            }
        }

        static int Run(Dictionary<string, string> options)
        {
            Library.Check();
            Console.WriteLine("google-ds " + Library.Version());
            string configJson = File.ReadAllText(options["--config"]);
            using (var connector = Library.Configure(configJson))
            {
                var result = connector.Test(Users.Values.ToList(), Log);
                Console.WriteLine("dry run: " + Counts(result.Report));
                if (result.Status != Status.Ok)
                    throw new DsException(result.Status, result.Error);

                result = connector.Sync(Users.Values.ToList(), Apply, Log);
                Console.WriteLine("sync: applied " + Json.GetNumber(result.Report, "counts.applied")
                    + ", failed " + Json.GetNumber(result.Report, "counts.failed")
                    + "; host has " + Users.Count);
                if (result.Status != Status.Ok)
                    return result.Status == Status.Partial ? 4 : 3;

                result = connector.Test(Users.Values.ToList(), Log);
                Console.WriteLine("dry run again: " + Counts(result.Report));
                long unchanged = Json.GetNumber(result.Report, "counts.unchanged");

                var signedIn = new List<string>();
                string hint;
                if (options.TryGetValue("--login-hint", out hint))
                {
                    var answer = BrowserSignIn(connector, Json.Parse(configJson), hint);
                    Console.WriteLine("Sign in with Google: " + Describe(answer));
                    if ((bool)Json.Get(answer, "refused"))
                        return 5;
                    signedIn.Add(Json.GetString(answer, "login"));
                }
                string login;
                if (options.TryGetValue("--login", out login))
                {
                    var answer = connector.Authenticate(
                        Json.Object("login", login, "password", options["--password"]));
                    Console.WriteLine("app password: " + Describe(answer));
                    if ((bool)Json.Get(answer, "refused"))
                        return 5;
                    signedIn.Add(Json.GetString(answer, "login"));
                    var wrong = connector.Authenticate(
                        Json.Object("login", login, "password", "not it"));
                    Console.WriteLine("wrong app password: " + Describe(wrong));
                }
                Console.WriteLine("csharp host: created=" + Users.Count + " unchanged=" +
                    unchanged + " signed_in=" + string.Join(",", signedIn));
            }
            return 0;
        }

        static string Apply(Change change)
        {
            HostUser existing;
            switch (change.Kind)
            {
                case "delete":
                    return Users.Remove(change.Login) ? null : "no user " + change.Login;
                case "update":
                    if (change.PreviousLogin != null)
                    {
                        if (!Users.TryGetValue(change.PreviousLogin, out existing))
                            return "no user " + change.PreviousLogin + " to rename";
                        Users.Remove(change.PreviousLogin);
                    }
                    break;
                case "create":
                    if (Users.ContainsKey(change.Login))
                        return change.Login + " exists already";
                    break;
            }
            Users[change.Login] = new HostUser
            {
                Login = change.Login,
                GoogleId = change.GoogleId,
                FullName = change.FullName,
                PrimaryEmail = change.PrimaryEmail,
                Fingerprint = change.Fingerprint,
                Managed = true,
            };
            return null;
        }

        static void Log(int level, string target, string message)
        {
            if (level <= 2)
                Console.Error.WriteLine("[" + (level == 1 ? "ERROR" : "WARN") + " " + target +
                    "] " + message);
        }

        static string Counts(object report)
        {
            return "listed " + Json.GetNumber(report, "counts.listed") + ", in scope " +
                Json.GetNumber(report, "counts.in_scope") + ": create " +
                Json.GetNumber(report, "counts.create") + ", update " +
                Json.GetNumber(report, "counts.update") + ", unchanged " +
                Json.GetNumber(report, "counts.unchanged") + ", delete " +
                Json.GetNumber(report, "counts.delete");
        }

        static string Describe(object answer)
        {
            if ((bool)Json.Get(answer, "refused"))
                return "refused (" + Json.GetString(answer, "reason") + "): " +
                    Json.GetString(answer, "message");
            return "signed in: " + Json.GetString(answer, "login") + " (Google id " +
                Json.GetString(answer, "google_id") + ", by " +
                Json.GetString(answer, "method") + ")";
        }

        /// The code flow: the URL from the library, the browser's part played here (the
        /// emulator redirects at once), then the code handed to the library.
        static object BrowserSignIn(Connector connector, object config, string hint)
        {
            string redirectUri = ((List<object>)Json.Get(config, "oidc.redirect_uris"))
                .Cast<string>()
                .First(uri => uri.StartsWith("http://127.0.0.1"));
            var start = connector.AuthorizationUrl(
                Json.Object("redirect_uri", redirectUri, "login_hint", hint));
            string url = Json.GetString(start, "url");
            Console.WriteLine("  open in a browser: " + url);

            var request = (HttpWebRequest)WebRequest.Create(url);
            request.AllowAutoRedirect = false;
            request.Proxy = null;
            string location;
            using (var response = (HttpWebResponse)request.GetResponse())
                location = response.Headers["Location"];
            if (location == null)
                throw new InvalidOperationException("no redirect: a browser is needed");
            var query = ParseQuery(new Uri(location).Query);
            if (query["state"] != Json.GetString(start, "state"))
                throw new InvalidOperationException("the redirect's state is not this sign-in's");
            return connector.Authenticate(Json.Object(
                "code", query["code"],
                "redirect_uri", redirectUri,
                "code_verifier", Json.GetString(start, "code_verifier"),
                "nonce", Json.GetString(start, "nonce")));
        }

        static Dictionary<string, string> ParseQuery(string query)
        {
            var pairs = new Dictionary<string, string>();
            foreach (string part in query.TrimStart('?').Split('&'))
            {
                int eq = part.IndexOf('=');
                if (eq > 0)
                    pairs[Uri.UnescapeDataString(part.Substring(0, eq))] =
                        Uri.UnescapeDataString(part.Substring(eq + 1).Replace('+', ' '));
            }
            return pairs;
        }

        static Dictionary<string, string> ParseArguments(string[] args)
        {
            var options = new Dictionary<string, string>();
            for (int i = 0; i + 1 < args.Length; i += 2)
                options[args[i]] = args[i + 1];
            if (!options.ContainsKey("--config"))
            {
                Console.Error.WriteLine("usage: example.exe --config FILE [--login-hint EMAIL] " +
                    "[--login LOGIN --password APP_PASSWORD]");
                Environment.Exit(2);
            }
            return options;
        }
    }
}
