/*
 * Fleet: a Mosquitto 2.0 plugin that lets only the API's identities (`api`, `api-2`, `api-3`, ...) subscribe to
 * shared subscriptions (`$share/<group>/<filter>`). Everything else is left to the acl_file (MOSQ_ERR_PLUGIN_DEFER).
 *
 * Why a plugin: Mosquitto 2.0's acl_file never checks a SUBSCRIBE (src/security_default.c, every 2.0.x up to
 * 2.0.20: "FIXME - implement ACL subscription strings") and lets any `$share/...` subscription through
 * (src/security.c, acl__check_dollar). It filters only at delivery, and for a shared subscription that is too
 * late: the broker deals each message to the next member of the group in turn, and if that member may not read
 * the topic the message is simply dropped (src/subs.c, subs__shared_process). So any credential that joins the
 * API's group takes its share of the detectors' messages away from the API: a monitor reads them, a detector
 * makes them vanish. This plugin refuses that SUBSCRIBE (SUBACK 0x87 Not authorized / 0x80 for MQTT 3.1.1).
 *
 * Build (gcc and Debian's mosquitto-dev, or Alpine's mosquitto-dev):
 *   gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o fleet_shared_subscriptions.so fleet_shared_subscriptions.c
 * Load it in mosquitto.conf, before acl_file takes effect (plugins are asked first):
 *   plugin /mosquitto/plugins/fleet_shared_subscriptions.so
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

static mosquitto_plugin_id_t *plugin_id = NULL;

/* "api", or "api-" followed by digits: the names infra/README.md gives API replicas. Detector ids never take
 * these (the API and entrypoint.sh refuse ids starting with "api"). */
static bool is_api_identity(const char *username)
{
	size_t i;

	if(username == NULL) return false;
	if(strcmp(username, "api") == 0) return true;
	if(strncmp(username, "api-", 4) != 0 || username[4] == '\0') return false;
	for(i = 4; username[i] != '\0'; i++){
		if(username[i] < '0' || username[i] > '9') return false;
	}
	return i <= 10;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check *ed = event_data;
	const char *username;

	(void)event;
	(void)userdata;

	if(ed->access != MOSQ_ACL_SUBSCRIBE || ed->topic == NULL || strncmp(ed->topic, "$share/", 7) != 0){
		return MOSQ_ERR_PLUGIN_DEFER;
	}

	username = mosquitto_client_username(ed->client);
	if(is_api_identity(username)){
		return MOSQ_ERR_PLUGIN_DEFER;
	}

	mosquitto_log_printf(MOSQ_LOG_NOTICE, "fleet: refused shared subscription '%s' by '%s': only API identities may join shared subscriptions",
			ed->topic, username ? username : "(none)");
	return MOSQ_ERR_ACL_DENIED;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	int i;

	for(i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5) return 5;
	}
	return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *options, int option_count)
{
	(void)userdata;
	(void)options;
	(void)option_count;

	plugin_id = identifier;
	return mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	(void)userdata;
	(void)options;
	(void)option_count;

	return mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
}
