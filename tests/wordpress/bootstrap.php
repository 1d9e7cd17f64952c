<?php
/*
 * Loads the harness's private WordPress from a CLI script.
 * Needs FITARCHIVE_WP_STATE (the state dir) and FITARCHIVE_WP_ORIGIN
 * (e.g. http://127.0.0.1:8089) in the environment.
 */

if (PHP_SAPI !== 'cli') {
    exit(1);
}

$fa_state = getenv('FITARCHIVE_WP_STATE');
$fa_origin = getenv('FITARCHIVE_WP_ORIGIN');
if (!$fa_state || !$fa_origin) {
    fwrite(STDERR, "FITARCHIVE_WP_STATE and FITARCHIVE_WP_ORIGIN must be set\n");
    exit(2);
}

$fa_parts = parse_url($fa_origin);
$_SERVER['HTTP_HOST'] = $fa_parts['host'] . (isset($fa_parts['port']) ? ':' . $fa_parts['port'] : '');
$_SERVER['SERVER_NAME'] = $fa_parts['host'];
$_SERVER['SERVER_PORT'] = (string) ($fa_parts['port'] ?? 80);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

define('ABSPATH', $fa_state . '/wp/');
require ABSPATH . 'wp-load.php';
