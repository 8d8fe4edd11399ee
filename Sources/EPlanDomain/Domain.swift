@_exported import EPlanGeometry
@_exported import EPlanCRS
@_exported import EPlanStore
