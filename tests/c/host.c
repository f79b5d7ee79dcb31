/*
 * A minimal C host of google-ds: configures a connector, runs a dry run and a sync into an
 * in-memory table, and checks the library's answers to bad arguments.
 *
 * Usage: host CONFIG_FILE
 * Prints "created=N updated=N deleted=N planned=N" and exits 0 when every check passed.
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
    const char *p;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFIG_FILE\n", argv[0]);
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
    planned = 0;
    for (p = report; p && (p = strstr(p, "\"outcome\": \"planned\"")); p++)
        planned++;
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

    ds_free(connector);
    ds_free(NULL);
    ds_string_free(NULL);

    printf("created=%d updated=%d deleted=%d planned=%d\n", host.created,
           host.updated, host.deleted, planned);
    for (i = 0; i < host.count; i++)
        free(host.logins[i]);
    return failures == 0 ? 0 : 1;
}
