"""The static files' headers at the edge (CloudFront) match what the API itself sends for them."""
import json
import pathlib

from chalicelib import static_files
from chalicelib.web import content_security_policy, security_headers

TEMPLATE = pathlib.Path(__file__).resolve().parents[2] / 'infra' / 'template.json'
WS = 'wss://${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api'
PAGES = ('dashboard.html', 'demo.html')


def policy_config():
    resources = json.loads(TEMPLATE.read_text())['Resources']
    assert resources['StaticResponseHeaders']['Type'] == 'AWS::CloudFront::ResponseHeadersPolicy'
    return resources['StaticResponseHeaders']['Properties']['ResponseHeadersPolicyConfig']


def test_the_edge_policy_is_the_one_the_api_computes_from_the_pages():
    """Edit an inline <script>/<style> of a page and this fails: paste the expected string into the template."""
    expected = content_security_policy('\n'.join(static_files.load(p)[0] for p in PAGES), WS)
    csp = policy_config()['SecurityHeadersConfig']['ContentSecurityPolicy']
    assert csp == {'ContentSecurityPolicy': {'Fn::Sub': expected}, 'Override': True}, expected
    assert len(expected) < 1783          # CloudFront's limit for this header


def test_the_edge_keeps_cors_for_the_widget_and_the_security_headers():
    config = policy_config()
    cors = config['CorsConfig']
    assert cors['AccessControlAllowOrigins'] == {'Items': ['*']} and cors['AccessControlAllowCredentials'] is False
    security = config['SecurityHeadersConfig']
    assert security['ContentTypeOptions'] == {'Override': True}
    assert security['ReferrerPolicy']['ReferrerPolicy'] == 'no-referrer'
    assert security['FrameOptions']['FrameOption'] == 'DENY'
    api = security_headers('text/html; charset=utf-8', '<p></p>')
    assert api['Referrer-Policy'] == security['ReferrerPolicy']['ReferrerPolicy']
    assert api['X-Frame-Options'] == security['FrameOptions']['FrameOption']
