# Real-time push: the WebSocket API in front of the functions declared with a `WebSocket(route)` trigger
# (functions/realtime), from the generated services.tf.json. Their STRATUS_WS_ENDPOINT is set in main.tf's
# `local.environment` from this module's management endpoint.
locals {
  websocket_functions = merge([
    for service, spec in local.services : {
      for name, fn in spec.functions : name => merge(fn, { service = service })
    }
  ]...)
  websocket_routes  = { for name, fn in local.websocket_functions : fn.websocket_route => name if fn.websocket_route != null }
  websocket_pushers = [for name, fn in local.websocket_functions : name if fn.pushes && fn.service == local.websocket_service]
  websocket_service = one(distinct([for name, fn in local.websocket_functions : fn.service if fn.websocket_route != null]))
}

module "websocket" {
  source = "../../modules/websocket"
  count  = local.websocket_service == null ? 0 : 1

  prefix             = local.prefix
  stage              = var.stage
  routes             = local.websocket_routes
  pushers            = local.websocket_pushers
  function_names     = module.service[local.websocket_service].function_names
  invoke_arns        = module.service[local.websocket_service].invoke_arns
  log_retention_days = var.log_retention_days
}
