// P/Invoke bindings of libgoogle_ds for .NET and mono hosts, mirroring include/google_ds.h.
//
// The rules of the C API hold here too: every string the library hands out is copied into a
// .NET string and freed at once with ds_string_free; structs the host fills carry their
// struct_size; delegates passed as callbacks are kept alive until the call returns, and never
// let an exception reach the library; callbacks run on the calling thread, during the call.
//
// The library is found by the platform's loader: libgoogle_ds.so on LD_LIBRARY_PATH (or an
// installed copy) on Linux, google_ds.dll beside the program on Windows.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace GoogleDs
{
    public enum Status
    {
        Ok = 0, Partial = 1, InvalidArgument = 2, ConfigError = 3, CredentialsError = 4,
        AuthorizationError = 5, GoogleError = 6, NetworkError = 7, Cancelled = 8,
        StoppedByHost = 9, Busy = 10, Refused = 11, InternalError = 12,
    }

    [StructLayout(LayoutKind.Sequential)]
    struct DsHostUser
    {
        public uint StructSize;
        public uint Flags;
        public IntPtr Login, GoogleId, FullName, PrimaryEmail, Fingerprint;
        public uint MissingSyncs;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct DsRunOptions
    {
        public uint StructSize;
        public uint Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct DsChange
    {
        public uint StructSize;
        public int Kind;
        public IntPtr Login, PreviousLogin, GoogleId, FullName, PrimaryEmail;
        public IntPtr Emails;
        public UIntPtr EmailCount;
        public IntPtr OrgUnitPath;
        public IntPtr Privileges;
        public UIntPtr PrivilegeCount;
        public IntPtr Fingerprint;
        public uint Flags;
        public IntPtr Json;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct DsCallbacks
    {
        public uint StructSize;
        public IntPtr UserData;
        public IntPtr Log, Progress, IsCancelled, ApplyChange;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate void LogFn(IntPtr userData, int level, IntPtr target, IntPtr message);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int ApplyChangeFn(IntPtr userData, IntPtr change, IntPtr error, UIntPtr errorLen);

    static class Native
    {
        const string Lib = "google_ds";

        [DllImport(Lib)] public static extern uint ds_abi_version();
        [DllImport(Lib)] public static extern IntPtr ds_version();
        [DllImport(Lib)] public static extern IntPtr ds_status_name(int status);
        [DllImport(Lib)] public static extern IntPtr ds_last_error();
        [DllImport(Lib)] public static extern void ds_string_free(IntPtr s);
        [DllImport(Lib)] public static extern int ds_configure(byte[] json, out IntPtr connector);
        [DllImport(Lib)]
        public static extern int ds_test(IntPtr connector, IntPtr users, UIntPtr count,
            ref DsRunOptions options, ref DsCallbacks callbacks, out IntPtr report);
        [DllImport(Lib)]
        public static extern int ds_sync(IntPtr connector, IntPtr users, UIntPtr count,
            ref DsRunOptions options, ref DsCallbacks callbacks, out IntPtr report);
        [DllImport(Lib)]
        public static extern int ds_authorization_url(IntPtr connector, byte[] request,
            out IntPtr json);
        [DllImport(Lib)]
        public static extern int ds_authenticate(IntPtr connector, byte[] request,
            IntPtr callbacks, out IntPtr json);
        [DllImport(Lib)] public static extern void ds_free(IntPtr connector);
    }

    /// A failed call: the status and the library's message, which names what to fix.
    public class DsException : Exception
    {
        public readonly Status Status;

        public DsException(Status status, string message)
            : base(message + " (" + Library.StatusName(status) + ")")
        {
            Status = status;
        }
    }

    /// One change, copied out of the library's borrowed DsChange.
    public class Change
    {
        public string Kind, Login, PreviousLogin, GoogleId, FullName, PrimaryEmail;
        public string Fingerprint, OrgUnitPath;
        public List<string> Emails = new List<string>();
    }

    /// A user as the host has it.
    public class HostUser
    {
        public string Login, GoogleId, FullName, PrimaryEmail, Fingerprint;
        public bool Managed;
    }

    /// What ds_test and ds_sync answered: the status, the report, and the message.
    public class RunResult
    {
        public Status Status;
        public object Report;
        public string Error;
    }

    public static class Library
    {
        public const uint AbiVersion = 1;

        /// Checks the ABI version before anything else is called.
        public static void Check()
        {
            uint found = Native.ds_abi_version();
            if (found != AbiVersion)
                throw new InvalidOperationException(
                    "libgoogle_ds has ABI version " + found + ", this host understands " +
                    AbiVersion);
        }

        public static string Version()
        {
            return Utf8.Read(Native.ds_version());
        }

        public static string StatusName(Status status)
        {
            return Utf8.Read(Native.ds_status_name((int)status));
        }

        internal static string Take(IntPtr owned)
        {
            if (owned == IntPtr.Zero)
                return null;
            try
            {
                return Utf8.Read(owned);
            }
            finally
            {
                Native.ds_string_free(owned);
            }
        }

        internal static DsException Error(int status)
        {
            string message = Take(Native.ds_last_error()) ?? "no message";
            return new DsException((Status)status, message);
        }

        public static Connector Configure(string json)
        {
            IntPtr handle;
            int status = Native.ds_configure(Utf8.Bytes(json), out handle);
            if (status != (int)Status.Ok)
                throw Error(status);
            return new Connector(handle);
        }
    }

    /// A connector handle; Dispose frees it with ds_free.
    public sealed class Connector : IDisposable
    {
        IntPtr handle;

        internal Connector(IntPtr handle)
        {
            this.handle = handle;
        }

        public void Dispose()
        {
            if (handle != IntPtr.Zero)
            {
                Native.ds_free(handle);
                handle = IntPtr.Zero;
            }
        }

        public RunResult Test(IList<HostUser> users, Action<int, string, string> log)
        {
            return Run(false, users, null, log);
        }

        /// apply returns null when the change was applied, or the reason it failed.
        public RunResult Sync(IList<HostUser> users, Func<Change, string> apply,
            Action<int, string, string> log)
        {
            return Run(true, users, apply, log);
        }

        public object AuthorizationUrl(string requestJson)
        {
            IntPtr json;
            int status = Native.ds_authorization_url(handle, Utf8.Bytes(requestJson), out json);
            if (status != (int)Status.Ok)
                throw Library.Error(status);
            return Json.Parse(Library.Take(json));
        }

        /// The sign-in's result (with "refused" true or false); throws for a setup to fix.
        public object Authenticate(string requestJson)
        {
            IntPtr json;
            int status = Native.ds_authenticate(handle, Utf8.Bytes(requestJson), IntPtr.Zero,
                out json);
            if (status == (int)Status.Ok || status == (int)Status.Refused)
                return Json.Parse(Library.Take(json));
            throw Library.Error(status);
        }

        RunResult Run(bool sync, IList<HostUser> users, Func<Change, string> apply,
            Action<int, string, string> log)
        {
            var strings = new List<IntPtr>();
            int stride = Marshal.SizeOf(typeof(DsHostUser));
            IntPtr array = Marshal.AllocHGlobal(Math.Max(stride * users.Count, 1));
            LogFn onLog = (data, level, target, message) =>
            {
                try
                {
                    if (log != null)
                        log(level, Utf8.Read(target), Utf8.Read(message));
                }
                catch (Exception)
                {
                    // A failing log sink must not reach the library.
                }
            };
            ApplyChangeFn onApply = (data, change, error, errorLen) =>
                ApplyOne(apply, change, error, errorLen);
            try
            {
                for (int i = 0; i < users.Count; i++)
                {
                    var u = users[i];
                    var c = new DsHostUser
                    {
                        StructSize = (uint)stride,
                        Flags = u.Managed ? 1u : 0u,
                        Login = Utf8.Alloc(u.Login, strings),
                        GoogleId = Utf8.Alloc(u.GoogleId, strings),
                        FullName = Utf8.Alloc(u.FullName, strings),
                        PrimaryEmail = Utf8.Alloc(u.PrimaryEmail, strings),
                        Fingerprint = Utf8.Alloc(u.Fingerprint, strings),
                    };
                    Marshal.StructureToPtr(c, new IntPtr(array.ToInt64() + i * stride), false);
                }
                var options = new DsRunOptions
                {
                    StructSize = (uint)Marshal.SizeOf(typeof(DsRunOptions)),
                };
                var callbacks = new DsCallbacks
                {
                    StructSize = (uint)Marshal.SizeOf(typeof(DsCallbacks)),
                    Log = Marshal.GetFunctionPointerForDelegate(onLog),
                    ApplyChange = sync ? Marshal.GetFunctionPointerForDelegate(onApply)
                                       : IntPtr.Zero,
                };
                IntPtr report;
                var count = new UIntPtr((uint)users.Count);
                int status = sync
                    ? Native.ds_sync(handle, array, count, ref options, ref callbacks, out report)
                    : Native.ds_test(handle, array, count, ref options, ref callbacks, out report);
                string error = status == (int)Status.Ok ? null
                    : Library.Take(Native.ds_last_error());
                if (report == IntPtr.Zero)
                    throw new DsException((Status)status, error ?? "no message");
                return new RunResult
                {
                    Status = (Status)status,
                    Report = Json.Parse(Library.Take(report)),
                    Error = error,
                };
            }
            finally
            {
                // The delegates must live until the library no longer calls them.
                GC.KeepAlive(onLog);
                GC.KeepAlive(onApply);
                foreach (IntPtr s in strings)
                    Marshal.FreeHGlobal(s);
                Marshal.FreeHGlobal(array);
            }
        }

        static int ApplyOne(Func<Change, string> apply, IntPtr changePtr, IntPtr error,
            UIntPtr errorLen)
        {
            string failure;
            try
            {
                var c = (DsChange)Marshal.PtrToStructure(changePtr, typeof(DsChange));
                var change = new Change
                {
                    Kind = c.Kind == 1 ? "create" : c.Kind == 2 ? "update" : "delete",
                    Login = Utf8.Read(c.Login),
                    PreviousLogin = Utf8.Read(c.PreviousLogin),
                    GoogleId = Utf8.Read(c.GoogleId),
                    FullName = Utf8.Read(c.FullName),
                    PrimaryEmail = Utf8.Read(c.PrimaryEmail),
                    Fingerprint = Utf8.Read(c.Fingerprint),
                    OrgUnitPath = Utf8.Read(c.OrgUnitPath),
                };
                for (ulong i = 0; i < c.EmailCount.ToUInt64(); i++)
                {
                    IntPtr email = Marshal.ReadIntPtr(c.Emails, (int)i * IntPtr.Size);
                    change.Emails.Add(Utf8.Read(email));
                }
                failure = apply(change);
                if (failure == null)
                    return 0;
            }
            catch (Exception e)
            {
                failure = "the host failed: " + e.Message;
            }
            byte[] reason = Encoding.UTF8.GetBytes(failure);
            int room = (int)Math.Min(errorLen.ToUInt64(), int.MaxValue);
            if (room > 0)
            {
                int n = Math.Min(reason.Length, room - 1);
                Marshal.Copy(reason, 0, error, n);
                Marshal.WriteByte(error, n, 0);
            }
            return 1;
        }
    }

    /// NUL-terminated UTF-8, both ways (the profile mono ships lacks PtrToStringUTF8).
    static class Utf8
    {
        public static string Read(IntPtr p)
        {
            if (p == IntPtr.Zero)
                return null;
            int len = 0;
            while (Marshal.ReadByte(p, len) != 0)
                len++;
            var bytes = new byte[len];
            Marshal.Copy(p, bytes, 0, len);
            return Encoding.UTF8.GetString(bytes);
        }

        public static byte[] Bytes(string s)
        {
            return Encoding.UTF8.GetBytes(s + "\0");
        }

        /// Unmanaged copy of `s` (NULL for null), remembered in `owned` to be freed.
        public static IntPtr Alloc(string s, List<IntPtr> owned)
        {
            if (s == null)
                return IntPtr.Zero;
            byte[] bytes = Bytes(s);
            IntPtr p = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, p, bytes.Length);
            owned.Add(p);
            return p;
        }
    }
}
