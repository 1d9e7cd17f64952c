<?php
/*
 * Plugin Name: fitarchive test harness
 * Description: Keeps the loopback test site self-contained: no mail, no
 * requests or hints to outside hosts, no emoji CDN.
 */

// Mail is never sent; each message is appended to STATE/mail.log instead.
if (!function_exists('wp_mail')) {
    function wp_mail($to, $subject, $message, $headers = '', $attachments = array())
    {
        if (defined('FITARCHIVE_WP_STATE')) {
            $line = json_encode(array('to' => $to, 'subject' => $subject), JSON_UNESCAPED_UNICODE);
            @file_put_contents(FITARCHIVE_WP_STATE . '/mail.log', $line . "\n", FILE_APPEND);
        }
        return true;
    }
}

// The emoji loader would fetch images from a CDN in a browser and adds a dns-prefetch hint.
remove_action('wp_head', 'print_emoji_detection_script', 7);
remove_action('wp_print_styles', 'print_emoji_styles');
remove_action('admin_print_scripts', 'print_emoji_detection_script');
remove_action('admin_print_styles', 'print_emoji_styles');
add_filter('emoji_svg_url', '__return_false');
add_filter('wp_resource_hints', function ($urls, $relation) {
    return 'dns-prefetch' === $relation ? array() : $urls;
}, 10, 2);

// Belt and braces next to WP_HTTP_BLOCK_EXTERNAL: no outgoing HTTP at all except to loopback.
add_filter('pre_http_request', function ($pre, $args, $url) {
    $host = parse_url($url, PHP_URL_HOST);
    if (in_array($host, array('127.0.0.1', 'localhost'), true)) {
        return $pre;
    }
    return new WP_Error('http_request_blocked', 'External HTTP is disabled in the test harness.');
}, 10, 3);
