/*
 * A minimal C host of google-ds: configures a connector, runs a dry run and a sync into an
 * in-memory table, checks the library's answers to bad arguments, and signs a user in.
 *
 * Usage: host CONFIG_FILE [LOGIN APP_PASSWORD]
 * Prints "created=N updated=N deleted=N planned=N" (and "signed_in=LOGIN" when a login is
 * given) and exits 0 when every check passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "google_ds.h"

#define MAX_USERS 10000

struct host {
    char *logins[MAX_USERS];
    size_t count;
    int created, updated, deleted;
    int log_lines;
};

static int failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAILED: %s\n", what);
        failures++;
    }
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    long size;
    char *text;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = malloc((size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        text = NULL;
    }
    if (text)
        text[size] = '\0';
    fclose(f);
    return text;
}

static char *copy_string(const char *text)
{
    size_t len = strlen(text) + 1;
    char *copy = malloc(len);

    if (copy)
        memcpy(copy, text, len);
    return copy;
}

static void on_log(void *user_data, DsLogLevel level, const char *target,
                   const char *message)
{
    struct host *host = user_data;

    (void)target;
    host->log_lines++;
    if (level <= DS_LOG_LEVEL_WARN)
        fprintf(stderr, "google-ds: %s\n", message);
}

static int32_t on_apply(void *user_data, const DsChange *change, char *error,
                        size_t error_len)
{
    struct host *host = user_data;

    if (change->struct_size < sizeof(DsChange)) {
        snprintf(error, error_len, "library's DsChange is older than this host");
        return DS_APPLY_RESULT_FAILED;
    }
    switch (change->kind) {
    case DS_CHANGE_KIND_CREATE:
        if (host->count == MAX_USERS) {
            snprintf(error, error_len, "table full");
            return DS_APPLY_RESULT_FAILED;
        }
        host->logins[host->count++] = copy_string(change->login);
        host->created++;
        check(change->google_id[0] != '\0', "a created user has a Google id");
        check(change->email_count >= 1, "a created user has an address");
        check(strcmp(change->emails[0], change->primary_email) == 0,
              "the primary address comes first");
        return DS_APPLY_RESULT_OK;
    case DS_CHANGE_KIND_UPDATE:
        host->updated++;
        return DS_APPLY_RESULT_OK;
    case DS_CHANGE_KIND_DELETE:
        host->deleted++;
        return DS_APPLY_RESULT_OK;
    default:
        snprintf(error, error_len, "unknown change kind %d", (int)change->kind);
        return DS_APPLY_RESULT_FAILED;
    }
}

static void expect_error(DsStatus status, DsStatus expected, const char *needle)
{
    char *message = ds_last_error();

    check(status == expected, "status of a bad call");
    check(message != NULL && strstr(message, needle) != NULL,
          "the error message names the argument");
    if (message && !strstr(message, needle))
        fprintf(stderr, "  message was: %s\n", message);
    ds_string_free(message);
}

/* How many changes of a report are "planned", whether the JSON is compact or pretty. */
static int count_planned(const char *report)
{
    const char *p = report;
    int planned = 0;

    while (p && (p = strstr(p, "\"outcome\":")) != NULL) {
        p += strlen("\"outcome\":");
        while (*p == ' ')
            p++;
        if (strncmp(p, "\"planned\"", strlen("\"planned\"")) == 0)
            planned++;
    }
    return planned;
}

/* Appends `text` to `out` as a JSON string (quotes and backslashes escaped). */
static void append_json_string(char *out, size_t size, const char *text)
{
    size_t len = strlen(out);

    if (len + 1 < size)
        out[len++] = '"';
    for (; *text && len + 3 < size; text++) {
        if (*text == '"' || *text == '\\')
            out[len++] = '\\';
        out[len++] = *text;
    }
    if (len + 1 < size)
        out[len++] = '"';
    out[len] = '\0';
}

/* Signs `login` in with an app password, then checks that a wrong one is refused with a
 * reason, and that a browser sign-in can be started. */
static void sign_in(DsConnector *connector, const char *login, const char *password)
{
    char request[1024] = "{\"login\": ";
    char *result = NULL;
    DsStatus status;

    append_json_string(request, sizeof request, login);
    strcat(request, ", \"password\": ");
    append_json_string(request, sizeof request, password);
    strcat(request, "}");
    status = ds_authenticate(connector, request, NULL, &result);
    check(status == DS_STATUS_OK, "the app password signs the user in");
    check(result != NULL && strstr(result, "\"refused\":false") != NULL,
          "a sign-in answers refused=false");
    if (status != DS_STATUS_OK) {
        char *message = ds_last_error();
        fprintf(stderr, "ds_authenticate: %s: %s\n", ds_status_name(status),
                message ? message : "");
        ds_string_free(message);
    } else {
        printf("signed_in=%s\n", login);
    }
    ds_string_free(result);

    strcpy(request, "{\"login\": ");
    append_json_string(request, sizeof request, login);
    strcat(request, ", \"password\": \"wrong password\"}");
    result = NULL;
    status = ds_authenticate(connector, request, NULL, &result);
    check(status == DS_STATUS_REFUSED, "a wrong password is refused");
    check(result != NULL && strstr(result, "\"reason\":\"wrong_password\"") != NULL,
          "a refusal names its reason");
    ds_string_free(result);

    result = NULL;
    status = ds_authorization_url(
        connector, "{\"redirect_uri\": \"http://127.0.0.1:8765/callback\"}", &result);
    check(status == DS_STATUS_OK, "a browser sign-in starts");
    check(result != NULL && strstr(result, "\"code_verifier\"") != NULL,
          "the start of a sign-in has a code verifier to keep");
    ds_string_free(result);
}

int main(int argc, char **argv)
{
    struct host host;
    DsConnector *connector = NULL;
    DsCallbacks callbacks;
    DsHostUser local;
    char *config, *report = NULL;
    DsStatus status;
    size_t i;
    int planned;

    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: %s CONFIG_FILE [LOGIN APP_PASSWORD]\n", argv[0]);
        return 2;
    }
    if (ds_abi_version() != DS_ABI_VERSION) {
        fprintf(stderr, "library ABI %u, header ABI %u\n", ds_abi_version(),
                DS_ABI_VERSION);
        return 1;
    }
    check(strcmp(ds_version(), DS_VERSION_STRING) == 0,
          "library and header versions agree");

    /* Bad arguments: a status and a message, never a crash. */
    expect_error(ds_configure(NULL, &connector), DS_STATUS_INVALID_ARGUMENT,
                 "config_json");
    expect_error(ds_configure("{\"admin_user\": 1}", &connector),
                 DS_STATUS_CONFIG_ERROR, "admin_user");
    expect_error(ds_configure("\xff\xfe", &connector),
                 DS_STATUS_INVALID_ARGUMENT, "UTF-8");
    check(connector == NULL, "no handle after a failed configure");
    expect_error(ds_test(NULL, NULL, 0, NULL, NULL, &report),
                 DS_STATUS_INVALID_ARGUMENT, "connector");

    config = read_file(argv[1]);
    if (!config) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    status = ds_configure(config, &connector);
    free(config);
    if (status != DS_STATUS_OK) {
        char *message = ds_last_error();
        fprintf(stderr, "ds_configure: %s: %s\n", ds_status_name(status), message);
        ds_string_free(message);
        return 1;
    }

    memset(&host, 0, sizeof host);
    memset(&callbacks, 0, sizeof callbacks);
    callbacks.struct_size = sizeof callbacks;
    callbacks.user_data = &host;
    callbacks.log = on_log;

    /* One local account the directory does not manage. */
    memset(&local, 0, sizeof local);
    local.struct_size = sizeof local;
    local.login = "local-operator";
    local.flags = 0;

    /* A sync without apply_change is refused up front. */
    report = NULL;
    expect_error(ds_sync(connector, &local, 1, NULL, &callbacks, &report),
                 DS_STATUS_INVALID_ARGUMENT, "apply_change");
    check(report == NULL, "no report after a refused call");
    /* A user array with a wrong struct_size is refused. */
    local.struct_size = 8;
    expect_error(ds_test(connector, &local, 1, NULL, &callbacks, &report),
                 DS_STATUS_INVALID_ARGUMENT, "struct_size");
    local.struct_size = sizeof local;

    status = ds_test(connector, &local, 1, NULL, &callbacks, &report);
    check(status == DS_STATUS_OK, "dry run succeeds");
    check(report != NULL, "dry run writes a report");
    planned = count_planned(report);
    ds_string_free(report);
    check(host.created == 0, "a dry run delivers nothing");

    callbacks.apply_change = on_apply;
    report = NULL;
    status = ds_sync(connector, &local, 1, NULL, &callbacks, &report);
    if (status != DS_STATUS_OK) {
        char *message = ds_last_error();
        fprintf(stderr, "ds_sync: %s: %s\n", ds_status_name(status), message);
        ds_string_free(message);
        failures++;
    }
    ds_string_free(report);
    check(host.log_lines > 0, "log records reach the host");
    check(host.created == planned, "the sync delivers what the dry run planned");

    if (argc == 4)
        sign_in(connector, argv[2], argv[3]);

    ds_free(connector);
    ds_free(NULL);
    ds_string_free(NULL);

    printf("created=%d updated=%d deleted=%d planned=%d\n", host.created,
           host.updated, host.deleted, planned);
    for (i = 0; i < host.count; i++)
        free(host.logins[i]);
    return failures == 0 ? 0 : 1;
}
