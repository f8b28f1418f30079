/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The close_session of the benchmark's modules (floor.so, minimal.so):
 * nothing to undo, as a namespace goes with its last process.
 */
#define PAM_SM_SESSION
#include <security/pam_modules.h>

PAM_EXTERN int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
