"""The dashboard, widget and their modules from S3 + CloudFront (infra/template.json), with the REST
API behind the same distribution so the widget's base URL keeps working: a private bucket read only
by this distribution, every API path passed through uncached, nothing else changed. (The API keeps
serving the same files too: the local runtime and the tests use those routes.)"""
import re

import pytest

from tests.infra.helpers import ROOT, WS_STAGE, Resolver

CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'
CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad'
ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac'
STATIC_ROUTES = {'/', '/demo', '/widget.js', '/static/{name}', '/static/{folder}/{name}'}
PREFLIGHT_CACHED = {'/visitor/session'}     # POST only: the edge keeps only its CORS preflight answers


@pytest.fixture(scope='module')
def distribution(dev):
    return dev.resources['StaticDistribution']['Properties']['DistributionConfig']


def app_routes():
    """Every REST path app.py declares (read from the source: importing the app is not needed)."""
    return set(re.findall(r"""@(?:app\.)?route\(\s*['"]([^'"]+)['"]""", (ROOT / 'app.py').read_text()))


def behavior_for(distribution, path):
    """The cache behavior CloudFront picks for a request path (first matching pattern, else default)."""
    for b in distribution.get('CacheBehaviors', []):
        pattern = '^' + re.escape(b['PathPattern']).replace(r'\*', '.*').replace(r'\?', '.') + '$'
        if re.match(pattern, path):
            return b
    return distribution['DefaultCacheBehavior']


def test_bucket_is_private_encrypted_and_owner_enforced(dev):
    props = dev.resources['StaticBucket']['Properties']
    assert props['PublicAccessBlockConfiguration'] == {'BlockPublicAcls': True, 'BlockPublicPolicy': True,
                                                       'IgnorePublicAcls': True, 'RestrictPublicBuckets': True}
    assert props['OwnershipControls'] == {'Rules': [{'ObjectOwnership': 'BucketOwnerEnforced'}]}
    assert props['BucketEncryption']['ServerSideEncryptionConfiguration'][0]['ServerSideEncryptionByDefault'] == {
        'SSEAlgorithm': 'AES256'}
    assert 'WebsiteConfiguration' not in props and 'BucketName' not in props
    assert 'AccessControl' not in props


def test_only_this_distribution_reads_the_bucket_and_only_over_tls(dev):
    policy = dev.resources['StaticBucketPolicy']['Properties']
    assert policy['Bucket'] == {'Ref': 'StaticBucket'}
    resolve = Resolver(dev.template, {'StaticBucket.Arn': 'arn:aws:s3:::handoff-dev-staticbucket-x',
                                      'StaticDistribution': 'E1DIST'})
    allow, deny = resolve(policy['PolicyDocument']['Statement'])
    assert allow['Effect'] == 'Allow'
    assert allow['Principal'] == {'Service': 'cloudfront.amazonaws.com'}
    assert allow['Action'] == 's3:GetObject'                      # read only: no list, no write
    assert allow['Resource'] == 'arn:aws:s3:::handoff-dev-staticbucket-x/*'
    assert allow['Condition'] == {'StringEquals': {'AWS:SourceArn': 'arn:aws:cloudfront::123456789012:distribution/E1DIST'}}
    assert deny['Effect'] == 'Deny' and deny['Principal'] == '*' and deny['Action'] == 's3:*'
    assert deny['Condition'] == {'Bool': {'aws:SecureTransport': 'false'}}
    assert set(deny['Resource']) == {'arn:aws:s3:::handoff-dev-staticbucket-x',
                                     'arn:aws:s3:::handoff-dev-staticbucket-x/*'}


def test_static_origin_signs_with_origin_access_control(dev, distribution):
    oac = dev.resources['StaticOriginAccessControl']['Properties']['OriginAccessControlConfig']
    assert oac['OriginAccessControlOriginType'] == 's3'
    assert oac['SigningBehavior'] == 'always' and oac['SigningProtocol'] == 'sigv4'
    origins = {o['Id']: o for o in distribution['Origins']}
    assert set(origins) == {'static', 'api'}
    static = origins['static']
    assert static['DomainName'] == {'Fn::GetAtt': ['StaticBucket', 'RegionalDomainName']}
    assert static['OriginAccessControlId'] == {'Fn::GetAtt': ['StaticOriginAccessControl', 'Id']}
    assert static['S3OriginConfig'] == {'OriginAccessIdentity': ''}          # no legacy OAI


def test_api_origin_is_this_stacks_rest_api_stage(distribution):
    api = {o['Id']: o for o in distribution['Origins']}['api']
    assert api['DomainName'] == {'Fn::Sub': '${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}'}
    assert api['OriginPath'] == '/' + WS_STAGE
    assert api['CustomOriginConfig']['OriginProtocolPolicy'] == 'https-only'


def test_static_files_are_cached_compressed_and_importable_from_other_sites(distribution):
    default = distribution['DefaultCacheBehavior']
    assert default['TargetOriginId'] == 'static'
    assert default['CachePolicyId'] == CACHING_OPTIMIZED     # honours the objects' Cache-Control max-age
    assert default['Compress'] is True
    # Access-Control-Allow-Origin: * (module scripts) and the pages' security headers: test_security_headers.py
    assert default['ResponseHeadersPolicyId'] == {'Ref': 'StaticResponseHeaders'}
    assert default['AllowedMethods'] == ['GET', 'HEAD']
    assert default['ViewerProtocolPolicy'] == 'redirect-to-https'
    assert distribution['DefaultRootObject'] == 'dashboard.html'


def test_every_api_route_goes_to_the_api_uncached_with_everything_but_host(distribution):
    api_routes = app_routes() - STATIC_ROUTES
    assert {'/visitor/session', '/client-config', '/operator/me', '/agents/{agent_id}/inbox'} <= api_routes
    for route in sorted(api_routes):
        path = re.sub(r'\{[^}]+\}', 'x', route)
        b = behavior_for(distribution, path)
        assert b.get('TargetOriginId') == 'api', '%s would be looked up in the bucket: add a behavior' % route
        if route in PREFLIGHT_CACHED:
            assert b['CachePolicyId'] == {'Ref': 'PreflightCachePolicy'}, route
        else:
            assert b['CachePolicyId'] == CACHING_DISABLED, route
        assert b['OriginRequestPolicyId'] == ALL_VIEWER_EXCEPT_HOST    # query strings, Authorization, Origin...
        assert set(b['AllowedMethods']) == {'GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'}
        assert b['ViewerProtocolPolicy'] == 'https-only'
    for route in STATIC_ROUTES:
        path = re.sub(r'\{[^}]+\}', 'x.js', route)
        assert behavior_for(distribution, path).get('TargetOriginId') == 'static', route


def test_the_api_still_serves_the_static_files():
    assert STATIC_ROUTES <= app_routes()     # local runtime and tests; the REST API URL keeps working


def test_outputs_point_the_dashboard_and_widget_at_the_distribution(dev):
    outputs = dev.template['Outputs']
    assert outputs['DashboardURL']['Value'] == {'Fn::Sub': 'https://${StaticDistribution.DomainName}/'}
    assert outputs['WidgetScriptURL']['Value'] == {'Fn::Sub': 'https://${StaticDistribution.DomainName}/widget.js'}
    assert outputs['StaticBucketName']['Value'] == {'Ref': 'StaticBucket'}
    assert outputs['StaticDistributionId']['Value'] == {'Ref': 'StaticDistribution'}


def test_no_function_role_touches_the_bucket(dev):
    from tests.infra.helpers import FUNCTIONS
    for logical in FUNCTIONS:
        text = str(dev.resources[dev.role_of(logical)])
        assert 's3:' not in text and 'StaticBucket' not in text, logical


def test_only_cors_preflights_are_cached_on_the_api(dev, distribution):
    """/visitor/session is POST-only (POST is never cached); its OPTIONS answers (API Gateway's CORS mock)
    vary only with Origin and the Access-Control-Request-* headers, which make the cache key."""
    source = (ROOT / 'app.py').read_text()
    declared = re.findall(r"""@(?:app\.)?route\(\s*['"]/visitor/session['"]\s*,\s*methods=\[([^\]]*)\]""", source)
    assert declared and all(re.findall(r"'(\w+)'", m) == ['POST'] for m in declared), declared
    b = behavior_for(distribution, '/visitor/session')
    assert b['CachedMethods'] == ['GET', 'HEAD', 'OPTIONS']
    assert b['OriginRequestPolicyId'] == ALL_VIEWER_EXCEPT_HOST
    policy = dev.resources['PreflightCachePolicy']['Properties']['CachePolicyConfig']
    key = policy['ParametersInCacheKeyAndForwardedToOrigin']
    assert key['HeadersConfig'] == {'HeaderBehavior': 'whitelist', 'Headers': [
        'Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers']}
    assert key['CookiesConfig'] == {'CookieBehavior': 'none'}
    assert policy['MaxTTL'] <= 3600
    cached = [x for x in distribution['CacheBehaviors'] if x['CachePolicyId'] != CACHING_DISABLED
              and x.get('TargetOriginId') == 'api']
    assert [x['PathPattern'] for x in cached] == ['/visitor/session']


def test_the_api_can_tell_requests_that_came_through_the_distribution(dev, distribution):
    """Behind CloudFront the API sees the edge as the caller. CloudFront adds X-Handoff-Edge (the stack
    id's random part, never sent to browsers nor in an output) to what it forwards, and the functions get
    the same value as EDGE_SECRET: a request carrying it came through the distribution, so its
    CloudFront-Viewer-Address is the visitor's (per-address limits); a direct caller cannot forge it."""
    secret = {'Fn::Select': [2, {'Fn::Split': ['/', {'Ref': 'AWS::StackId'}]}]}
    origins = {o['Id']: o for o in distribution['Origins']}
    assert origins['api']['OriginCustomHeaders'] == [{'HeaderName': 'X-Handoff-Edge', 'HeaderValue': secret}]
    assert 'OriginCustomHeaders' not in origins['static']
    for logical in ('APIHandler',):
        assert dev.functions[logical]['Properties']['Environment']['Variables']['EDGE_SECRET'] == secret
    assert 'StackId' not in str(dev.template['Outputs'])


def test_the_rest_api_is_regional_behind_the_distribution(dev):
    """An edge-optimized API behind this distribution would add a second CloudFront hop to every API call."""
    from tests.infra.helpers import CHALICE_CONFIG
    assert CHALICE_CONFIG['api_gateway_endpoint_type'] == 'REGIONAL'
    assert dev.resources['RestAPI']['Properties']['EndpointConfiguration'] == 'REGIONAL'
